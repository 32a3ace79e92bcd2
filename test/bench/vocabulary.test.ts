import fs from 'node:fs';
import path from 'node:path';

/**
 * README's vocabulary: a gateway sends a *webhook*; a *delivery* is an SMS reaching a
 * handset. The benchmarks' code, output and write-up keep to it. Code (inline or fenced)
 * is left out of BENCHMARKS.md's check: quoted commands and paths stay as they ran.
 */
const ROOT = path.resolve(__dirname, '../..');
const DELIVERY_WORD = /\b(?:deliver|deliveries|delivery)\b/gi;

function benchSources(dir = path.join(ROOT, 'bench')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'results' ? [] : benchSources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Each use of the word not about an SMS (`SMS delivery` is the word's own meaning). */
function misuses(text: string): string[] {
  return [...text.matchAll(DELIVERY_WORD)]
    .filter((m) => !/\bSMS $/i.test(text.slice(Math.max(0, m.index - 4), m.index)))
    .map((m) => text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 10));
}

test('the benchmarks call what a gateway sends a webhook, not a delivery', () => {
  const found = benchSources().flatMap((file) =>
    misuses(fs.readFileSync(file, 'utf8')).map((at) => `${path.relative(ROOT, file)}: ${at}`),
  );

  expect(found).toEqual([]);
});

test("BENCHMARKS.md's prose calls what a gateway sends a webhook, not a delivery", () => {
  const prose = fs
    .readFileSync(path.join(ROOT, 'BENCHMARKS.md'), 'utf8')
    .replace(/^```[\s\S]*?^```/gm, '')
    .replace(/`[^`\n]*`/g, '');

  expect(misuses(prose)).toEqual([]);
});
