/**
 * Where a `node --cpu-prof` profile spent its time, without opening DevTools: self time by
 * package (or project folder) and by function.
 *
 *   node dist/bench/profile-summary.js /tmp/pix-bench-…/profiles/intake-1-api.cpuprofile [top]
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/@temporalio/client/…` → `@temporalio/client`; our files → their folder. */
function owner(url: string): string {
  if (!url) return '(native / idle / gc)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const dist = url.indexOf('/dist/');
  if (dist >= 0)
    return url
      .slice(dist + 1)
      .split('/')
      .slice(0, 3)
      .join('/');
  return path.basename(url);
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js FILE.cpuprofile [top]');
    process.exit(2);
  }
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { callFrame } = byId.get(id)!;
    const name = callFrame.functionName || '(anonymous)';
    const who = ['(idle)', '(program)', '(garbage collector)'].includes(name)
      ? name
      : owner(callFrame.url);
    byOwner.set(who, (byOwner.get(who) ?? 0) + ms);
    const key = `${name} ${callFrame.url ? `${owner(callFrame.url)}:${callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(
        `${ms.toFixed(0).padStart(8)} ms ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${key}`,
      );
    }
  };
  console.log(`${file}: ${totalMs.toFixed(0)} ms profiled`);
  print('self time by package or folder', byOwner);
  print('self time by function', byFunction);
}

main();
