import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Linux only: what /proc says about one process. */
export interface ProcSample {
  at: number;
  /** Resident set, MiB. */
  rssMiB: number;
  /** Peak resident set since start (VmHWM), MiB. */
  peakRssMiB: number;
  /** User + system CPU time since start, seconds. */
  cpuSeconds: number;
}

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticksPerSecond;
}

export function sampleProcess(pid: number): ProcSample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  // The command name may hold spaces and parentheses: fields are counted after the last ')'.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return {
    at: Date.now(),
    rssMiB: kib('VmRSS') / 1024,
    peakRssMiB: kib('VmHWM') / 1024,
    cpuSeconds: ticks / clockTicks(),
  };
}

/** CPU use between two samples, as a share of one core (100 = one core busy). */
export function cpuPercent(before: ProcSample, after: ProcSample): number {
  const wall = (after.at - before.at) / 1000;
  return wall > 0 ? ((after.cpuSeconds - before.cpuSeconds) / wall) * 100 : NaN;
}

/**
 * CPU ms that a group of processes (e.g. every worker) spent per unit of work (an SMS)
 * between two samples of each: independent of how long the window ran past the work.
 */
export function cpuMsPer(before: ProcSample[], after: ProcSample[], units: number): number {
  const seconds = after.reduce((sum, a, i) => sum + a.cpuSeconds - before[i].cpuSeconds, 0);
  return units > 0 ? (seconds * 1000) / units : NaN;
}

/** The machine's load while the bench ran: 1-minute load average and busy share of all cores. */
export function systemCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export function busyShare(
  before: { busy: number; total: number },
  after: { busy: number; total: number },
): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.busy - before.busy) / total) * 100 : NaN;
}
