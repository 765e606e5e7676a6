// The case files of the activity parser (test/fixtures/activities-parse*.txt, test/fixtures/eval/parse-*.txt):
// "@today YYYY-MM-DD" and "@members N" set the context of the cases that follow; "> " lines are one message;
// "= " lines what it should give; "#" lines are comments; a blank line ends a case.
import { readFileSync } from 'node:fs';

export interface CaseBlock {
  /** 1-based line of the message's first line. */
  line: number;
  text: string;
  today: string;
  memberCount?: number;
  /** The "= " lines, without the "= ", with their line numbers. */
  expect: Array<{ line: number; text: string }>;
}

export function readCaseBlocks(path: string): CaseBlock[] {
  const cases: CaseBlock[] = [];
  let today = '';
  let memberCount: number | undefined;
  let cur: CaseBlock | undefined;
  const flush = () => {
    if (cur) cases.push(cur);
    cur = undefined;
  };
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (line.startsWith('#')) return;
      if (line.trim() === '') {
        flush();
        return;
      }
      if (line.startsWith('@today ')) {
        today = line.slice(7).trim();
        return;
      }
      if (line.startsWith('@members ')) {
        memberCount = Number(line.slice(9).trim());
        return;
      }
      if (line.startsWith('> ')) {
        if (!cur) cur = { line: i + 1, text: line.slice(2), today, ...(memberCount !== undefined ? { memberCount } : {}), expect: [] };
        else cur.text += `\n${line.slice(2)}`;
        return;
      }
      if (line.startsWith('= ')) {
        if (!cur) throw new Error(`${path}:${i + 1}: "=" without a message`);
        cur.expect.push({ line: i + 1, text: line.slice(2).trim() });
        return;
      }
      throw new Error(`${path}:${i + 1}: cannot read "${line}"`);
    });
  flush();
  return cases;
}
