// `npm run eval`: the figures of issue 13 on the evaluation sets under test/fixtures/eval/ (README.md there):
// the activity parser's field accuracy (date, kind, attendance) per set, tune and holdout separately; the
// checker's recall and precision on real reports with defects marked by hand; the importer's split accuracy.
// Pure reading and printing; nothing is written.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParsedActivity, parseActivities } from '../src/activity/parse.ts';
import { readCaseBlocks } from '../test/support/activity-cases.ts';

const DIR = fileURLToPath(new URL('../test/fixtures/eval/', import.meta.url));

// ---- parser ----------------------------------------------------------------------------------------------

export interface EvalCase {
  line: number;
  text: string;
  today: string;
  /** [date, kind, attendees] as written in the set ('-' for none). */
  expected: [string, string, string][];
}

export function readParseSet(path: string): EvalCase[] {
  return readCaseBlocks(path).map((b) => ({
    line: b.line,
    text: b.text,
    today: b.today,
    expected: b.expect
      .filter((e) => e.text !== 'none')
      .map((e) => {
        const f = e.text.split('|').map((x) => x.trim());
        if (f.length < 3) throw new Error(`${path}:${e.line}: expected date | kind | attendees`);
        return [f[0]!, f[1]!, f[2]!] as [string, string, string];
      }),
  }));
}

/** The date as the set writes it: what the record and its card say about it. */
export function dateField(a: ParsedActivity): string {
  const note = (a as { dateNote?: { kind: string } | null }).dateNote;
  if (note?.kind === 'invalid') return '?';
  if (note?.kind === 'month') return a.date.slice(0, 7);
  if (note?.kind === 'future') return `${a.date}+`;
  return a.dateGiven ? a.date : '-';
}

export function actualFields(a: ParsedActivity): [string, string, string] {
  return [dateField(a), a.kind ?? '-', a.attendees === null ? '-' : String(a.attendees)];
}

export interface ParseScore {
  right: number;
  total: number;
  misses: string[];
}

export function scoreParse(cases: EvalCase[]): ParseScore {
  let right = 0;
  let total = 0;
  const misses: string[] = [];
  for (const c of cases) {
    const got = parseActivities(c.text, { today: c.today }).map(actualFields);
    const n = Math.max(got.length, c.expected.length);
    for (let i = 0; i < n; i++) {
      const e = c.expected[i] ?? ['(none)', '(none)', '(none)'];
      const g = got[i] ?? ['(none)', '(none)', '(none)'];
      for (let f = 0; f < 3; f++) {
        total += 1;
        if (e[f] === g[f]) right += 1;
        else misses.push(`  line ${c.line} ${['date', 'kind', 'attendees'][f]}: expected ${e[f]}, got ${g[f]}  ${c.text.slice(0, 40)}`);
      }
    }
  }
  return { right, total, misses };
}

const pct = (a: number, b: number) => (b === 0 ? '  n/a' : `${((100 * a) / b).toFixed(1)} %`);

function parserFigures(verbose: boolean): void {
  console.log('Activity parser: field accuracy (date, kind, attendance)');
  for (const set of ['chat', 'notice']) {
    for (const part of ['tune', 'holdout', 'holdout2']) {
      const file = join(DIR, `parse-${set}${part === 'tune' ? '' : `-${part}`}.txt`);
      if (!existsSync(file)) continue;
      const s = scoreParse(readParseSet(file));
      console.log(`  ${set.padEnd(7)} ${part.padEnd(8)} ${pct(s.right, s.total).padStart(7)}  (${s.right}/${s.total})`);
      if (verbose) for (const m of s.misses) console.log(m);
    }
  }
}

// ---- main ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const verbose = process.argv.includes('-v') || process.argv.includes('--verbose');
  parserFigures(verbose);
  const { checkerFigures, importerFigures } = await import('./eval-reports.ts');
  for (const part of ['tune', 'holdout', 'holdout2'] as const) checkerFigures(join(DIR, 'reports'), part, verbose);
  for (const part of ['tune', 'holdout', 'holdout2'] as const) importerFigures(join(DIR, 'reports'), part, verbose);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
