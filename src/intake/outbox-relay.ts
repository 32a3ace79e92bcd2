import type { Db } from '../db/connect';
import {
  claimOutboxEntries,
  completeOutboxEntries,
  releaseOutboxEntry,
  type HandedOff,
  type OutboxEntry,
} from '../db/outbox';
import { recordClosedByHand } from '../db/recovery-events';
import type { Logger } from '../logging';
import { closedByHandOf, type ExecutionView } from '../temporal/executions';
import { recoveryWorkflowId } from '../../workflows/definitions';
import type { RecoveryClient } from '../temporal/recovery-client';

export interface OutboxRelaySettings {
  /**
   * How long a claimed row is this process's to hand off. A hand-off's calls to Temporal end
   * within the first half (`handOffDeadline`), so it is over before a sweep may repeat it.
   */
  claimMs: number;
  /** How often the sweeper looks for rows nobody is handing off. */
  sweepIntervalMs: number;
  /** Hand-offs one sweep runs at once (a backlog drains this many at a time, oldest first). */
  concurrency: number;
}

export const DEFAULT_RELAY_SETTINGS: OutboxRelaySettings = {
  claimMs: 30_000,
  sweepIntervalMs: 1_000,
  concurrency: 64,
};

/**
 * When the calls to Temporal of the hand-off holding `entry`'s claim must end: half the claim,
 * leaving the other half for recording it (or releasing the row) before the claim runs out.
 */
export function handOffDeadline(entry: OutboxEntry, claimMs: number, now = new Date()): Date {
  const claimedUntil = entry.claimedUntil ?? new Date(now.getTime() + claimMs);
  return new Date(claimedUntil.getTime() - claimMs / 2);
}

/** Hand-offs started at once from the intake; beyond this, new rows wait for the sweeper. */
const MAX_DIRECT_IN_FLIGHT = 256;

/** Hand-offs recorded by one database write at most. */
const MAX_RECORDED_AT_ONCE = 256;

export interface OutboxRelay {
  /** Until when a row stored now is claimed by this process, or null to leave it to the sweep. */
  claimForNewEntry(now?: Date): Date | null;
  /** A row was committed: hand it off now if this process claimed it, else sweep soon. */
  accept(entry: OutboxEntry): void;
  /** One sweep: hands off every free row, oldest first; resolves with how many went. */
  sweep(): Promise<number>;
  /** Resolves when no hand-off or sweep is running. */
  idle(): Promise<void>;
  start(): void;
  /** Stops sweeping and waits for the hand-offs in flight. */
  stop(): Promise<void>;
}

export interface OutboxRelayDeps {
  db: Db;
  recoveries: RecoveryClient;
  logger: Logger;
  settings?: Partial<OutboxRelaySettings>;
}

/**
 * Signals stored webhooks to their recoveries. The intake claims its row as it stores it and the
 * relay hands it off right after the commit, so the usual delay is one `signalWithStart`.
 * Whatever is left (Temporal was down, the process died mid-hand-off, too many at once) is
 * swept: the oldest free rows first, `concurrency` at a time. After a failed hand-off the
 * intake stops claiming rows until a sweep succeeds, so an outage costs one attempt per
 * sweep rather than one per webhook.
 */
export function createOutboxRelay(deps: OutboxRelayDeps): OutboxRelay {
  const settings = { ...DEFAULT_RELAY_SETTINGS, ...deps.settings };
  const running = new Set<Promise<unknown>>();
  let temporalAnswering = true;
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<number> | null = null;
  let sweepAgain = false;
  let stopped = false;
  const unrecorded: { done: HandedOff; recorded: () => void }[] = [];
  let recording: Promise<void> | null = null;

  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    const done = () => running.delete(work);
    work.then(done, done);
    return work;
  };

  /** true when Temporal took the signal (or said the recovery is closed). */
  async function handOff(entry: OutboxEntry): Promise<boolean> {
    let signalled;
    try {
      // A swept row may have reached Temporal already, its hand-off unrecorded (a failed
      // write, a process that died): its own earlier signal is no refusal.
      signalled = await deps.recoveries.signal(entry.gateway, entry.paymentId, entry.update, {
        mayRepeat: entry.attempts > 0,
        deadline: handOffDeadline(entry, settings.claimMs),
      });
    } catch (err) {
      temporalAnswering = false;
      const why = withCauses(err);
      deps.logger.warn(
        { outboxId: entry.id, eventId: entry.webhookEventId, err: why },
        'outbox: hand-off to Temporal failed; the sweeper retries it',
      );
      await releaseOutboxEntry(deps.db, entry, why).catch(() => {});
      return false;
    }
    if (!signalled.signalled) await noteClosedByHand(entry, signalled.execution);
    const outcome = signalled.signalled ? null : 'ignored: recovery finished';
    await recordHandOff({ entry, outcome, at: new Date() });
    return true;
  }

  /**
   * Resolves once the hand-off is recorded, or its write failed. The first hand-off is
   * written at once; those that finish while a write is in flight go together in the next
   * one, so under load the database sees one statement for many hand-offs and when quiet
   * no hand-off waits. A failed write is logged: the claims then run out and the sweeper
   * hands those rows off again, which the workflow ignores (it drops an event id it has seen).
   */
  function recordHandOff(done: HandedOff): Promise<void> {
    return new Promise((recorded) => {
      unrecorded.push({ done, recorded });
      recording ??= recordAll();
    });
  }

  async function recordAll(): Promise<void> {
    while (unrecorded.length > 0) {
      const batch = unrecorded.splice(0, MAX_RECORDED_AT_ONCE);
      try {
        const recorded = new Set(
          await completeOutboxEntries(
            deps.db,
            batch.map((b) => b.done),
          ),
        );
        const late = batch.filter((b) => !recorded.has(b.done.entry.id));
        if (late.length > 0)
          deps.logger.warn(
            { outboxIds: late.map((b) => b.done.entry.id) },
            'outbox: hand-off not recorded, its claim was taken over or recorded by a sweep',
          );
      } catch (err) {
        deps.logger.error(
          { outboxIds: batch.map((b) => b.done.entry.id), err: (err as Error).message },
          'outbox: could not record hand-off',
        );
      }
      for (const b of batch) b.recorded();
    }
    recording = null;
  }

  /**
   * Temporal refused the signal because an operator closed the recovery: written before
   * the webhook's outcome, so once a refusal is recorded every later waiting webhook is
   * answered `ignored: recovery finished` by the intake itself. A failed write is logged;
   * the next refusal or monitoring read writes it.
   */
  async function noteClosedByHand(entry: OutboxEntry, execution: ExecutionView): Promise<void> {
    const workflowId = recoveryWorkflowId(entry.gateway, entry.paymentId);
    const closed = closedByHandOf(workflowId, execution);
    if (!closed) return;
    const { gateway, paymentId } = entry;
    await recordClosedByHand(deps.db, { ...closed, gateway, paymentId }).catch((err: Error) =>
      deps.logger.error(
        { outboxId: entry.id, err: err.message },
        'outbox: could not record the recovery closed by hand',
      ),
    );
  }

  /**
   * Hands off free rows, oldest first, keeping up to `concurrency` hand-offs going: a row is
   * claimed as soon as one of them ends (the claim runs while the others go on), so a slow
   * hand-off holds up only its own slot, not the rows after it. Ends when nothing is free and
   * nothing is in flight, or once a hand-off fails (the next sweep probes Temporal again).
   */
  async function sweepOnce(): Promise<number> {
    let handed = 0;
    let failed = false;
    const inFlight = new Set<Promise<void>>();
    const start = (entry: OutboxEntry) => {
      const going = handOff(entry).then((ok) => {
        inFlight.delete(going);
        if (ok) handed += 1;
        // Temporal answers again only once no hand-off of this sweep has failed.
        if (ok && !failed) temporalAnswering = true;
        failed ||= !ok;
      });
      inFlight.add(going);
    };
    try {
      while (!failed && !stopped) {
        // While Temporal is failing, one row probes it; the rest follow once it answers.
        const free = (temporalAnswering ? settings.concurrency : 1) - inFlight.size;
        if (free > 0) {
          const now = new Date();
          const claimed = await claimOutboxEntries(
            deps.db,
            free,
            new Date(now.getTime() + settings.claimMs),
            now,
          );
          claimed.forEach(start);
          if (claimed.length === free) continue;
        }
        // All slots busy, or no row free right now: wait for a hand-off to end.
        if (inFlight.size === 0) break;
        await Promise.race(inFlight);
      }
    } finally {
      await Promise.all(inFlight);
    }
    return handed;
  }

  function sweep(): Promise<number> {
    if (sweeping) {
      sweepAgain = true;
      return sweeping;
    }
    sweeping = track(
      sweepOnce()
        .catch((err: Error) => {
          deps.logger.warn({ err: err.message }, 'outbox: sweep failed');
          return 0;
        })
        .finally(() => {
          sweeping = null;
          if (sweepAgain && !stopped && temporalAnswering) {
            sweepAgain = false;
            void sweep();
          }
        }),
    );
    return sweeping;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void sweep().finally(schedule);
    }, settings.sweepIntervalMs);
    timer.unref();
  }

  return {
    claimForNewEntry(now = new Date()) {
      if (stopped || !temporalAnswering || running.size >= MAX_DIRECT_IN_FLIGHT) return null;
      return new Date(now.getTime() + settings.claimMs);
    },
    accept(entry) {
      if (entry.claimedUntil) void track(handOff(entry));
      else if (temporalAnswering && !stopped) void sweep();
    },
    sweep,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    start() {
      if (timer || stopped) return;
      void sweep();
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await this.idle();
    },
  };
}

/**
 * An error's message with its causes' (the client says "Failed to describe workflow"; the
 * cause says why, e.g. DEADLINE_EXCEEDED), for the row's last_error and the log.
 */
export function withCauses(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) {
    if (!parts.includes(e.message)) parts.push(e.message);
  }
  return parts.length > 0 ? parts.join(': ') : String(err);
}
