/** A figure over several runs: the median, with the range it came from. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(values: number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: NaN, min: NaN, max: NaN, runs: values };
  const sorted = [...finite].sort((a, b) => a - b);
  return {
    median: percentileOfSorted(sorted, 50),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    runs: values,
  };
}

/** Linear interpolation between closest ranks; `p` in 0–100. */
export function percentile(values: number[], p: number): number {
  return percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}

function percentileOfSorted(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `412 (398–430)`, the way every table in BENCHMARKS.md shows a figure. */
export function formatSpread(s: Spread, digits = 0, unit = ''): string {
  if (!Number.isFinite(s.median)) return 'n/a';
  const f = (v: number) => v.toFixed(digits);
  if (s.runs.length <= 1) return `${f(s.median)}${unit}`;
  return `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)})`;
}
