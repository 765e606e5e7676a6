// Fuzzing the text functions a chat message or a pasted report goes through — the activity parser
// (parseActivities), the checker (lintReport) and the importer (splitReport) — on random Chinese text: plain
// characters, report and activity words, heading-like lines, one token repeated thousands of times, and real
// reports shuffled and damaged. None may throw, and none may take more than 100 ms on one message (a slow call
// is timed again before it counts, so that a garbage-collection pause on a busy machine is not taken for a
// slow parser). Seeded: FUZZ_SEED=<n> repeats a run; the figures are printed.
//
// The parser is held to messages of up to 1,000 characters: on longer ones it is quadratic today (segments()
// runs findDate over the clause accumulated so far, once per clause; the date rules rescan runs of numerals
// from every position), e.g. 10,000 "，" take ~2 s. The last test pins that down and fails once it is fixed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseActivities } from '../../src/activity/parse.ts';
import { splitReport } from '../../src/report/import.ts';
import { lintReport } from '../../src/report/lint/index.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import { chineseText, TEXT_KINDS } from '../support/fuzz.ts';
import { pick, prng } from '../support/prng.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 18);
const TEXTS = Number(process.env.FUZZ_TEXTS ?? 3000);
const LIMIT_MS = 100;
const REPORTS_DIR = join(import.meta.dirname, '../fixtures/reports');
const REPORTS = readdirSync(REPORTS_DIR)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => readFileSync(join(REPORTS_DIR, f), 'utf8'));

const parse = (t: string) => parseActivities(t, { today: '2026-12-09', memberCount: 30 });
/** Each function, and the longest text it gets: a chat message for the parser, a whole pasted report for the others. */
const TARGETS: Record<string, { fn: (text: string) => unknown; maxChars: number }> = {
  parseActivities: { fn: parse, maxChars: 1000 },
  lintReport: { fn: (t) => lintReport(t, { year: 2026 }), maxChars: 20_000 },
  splitReport: { fn: (t) => splitReport(t, DUTY_REPORT), maxChars: 20_000 },
};

function timed(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

it(`parser, checker and importer on ${TEXTS} random Chinese texts: no throw, no call over ${LIMIT_MS} ms`, () => {
  const rng = prng(SEED);
  const max: Record<string, { ms: number; kind: string; length: number }> = {};
  const thrown: string[] = [];
  const slow: string[] = [];
  for (let i = 0; i < TEXTS; i++) {
    const kind = pick(rng, TEXT_KINDS);
    // Chat messages up to 3,000 characters; a pasted report up to 20,000 (the importer reads whole reports).
    const text = chineseText(rng, kind, REPORTS, kind === 'report' ? 20_000 : rng() < 0.05 ? 20_000 : 3000);
    for (const [name, { fn, maxChars }] of Object.entries(TARGETS)) {
      const input = text.slice(0, maxChars);
      let ms: number;
      try {
        ms = timed(() => fn(input));
        if (ms > LIMIT_MS) ms = Math.min(ms, timed(() => fn(input)));
      } catch (e) {
        thrown.push(`${name} on text #${i} (${kind}, ${input.length} chars, seed ${SEED}): ${(e as Error).message}`);
        continue;
      }
      if (!max[name] || ms > max[name].ms) max[name] = { ms, kind, length: input.length };
      if (ms > LIMIT_MS) slow.push(`${name} took ${ms.toFixed(0)} ms on text #${i} (${kind}, ${input.length} chars, seed ${SEED}): ${JSON.stringify(input.slice(0, 80))}`);
    }
  }
  console.log(`fuzz-text: seed ${SEED}, ${TEXTS} texts; max ms per call: ${Object.entries(max).map(([n, m]) => `${n} ${m.ms.toFixed(1)} (${m.kind}, ${m.length} chars)`).join(', ')}`);
  expect(thrown.slice(0, 5)).toEqual([]);
  expect(slow.slice(0, 5)).toEqual([]);
}, 300_000);

// Known: quadratic on long messages (see the top). Handed to the parser's owner; when this fails, it is fixed:
// make it a plain `it` and raise the parser's maxChars above.
it.fails('parseActivities stays under 100 ms on a 10,000-character message', () => {
  for (const text of ['，'.repeat(10_000), '一'.repeat(10_000), '3月5日召开支委会，'.repeat(1000)]) {
    expect(timed(() => parse(text))).toBeLessThan(LIMIT_MS);
  }
});
