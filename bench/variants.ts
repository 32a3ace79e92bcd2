/**
 * `--compare-env`: the service measured as given and as changed, one after the other in
 * every run, so that a pair shares the machine's state of the moment (a neighbour's test
 * suite moves both). Each variant gets a stack of its own: a fresh database and dev server.
 */
import type { BenchOptions } from './options';
import { round, spread, type Spread } from './stats';

export interface Variant {
  /** `as given`, or the names changed, e.g. `PAYLOAD_ENCRYPTION=off`. */
  name: string;
  /** Options for this variant's runs: the service environment it is measured with. */
  options: BenchOptions;
}

export const AS_GIVEN = 'as given';

export function variants(options: BenchOptions): Variant[] {
  const base = { name: AS_GIVEN, options };
  const changed = Object.entries(options.compareEnv);
  if (changed.length === 0) return [base];
  const name = changed.map(([k, v]) => (v === '' ? `${k} unset` : `${k}=${v}`)).join(' ');
  const serviceEnv = { ...options.serviceEnv, ...options.compareEnv };
  return [base, { name, options: { ...options, serviceEnv } }];
}

/**
 * Per run, `pick(variant) ÷ pick(as given)` for runs matched by `key`, as a spread: the
 * ratio is taken within a run before it is summarised, like every ratio in the bench.
 */
export function ratioPerRun<T extends { variant: string }>(
  rows: T[],
  variant: string,
  key: (row: T) => string,
  pick: (row: T) => number,
): Spread {
  const base = new Map(rows.filter((r) => r.variant === AS_GIVEN).map((r) => [key(r), pick(r)]));
  const ratios = rows
    .filter((r) => r.variant === variant && base.has(key(r)))
    .map((r) => round((pick(r) / (base.get(key(r)) ?? NaN)) * 100, 1));
  return spread(ratios);
}
