// `npm run report -- parse-activity "TEXT" [--today YYYY-MM-DD] --json`, run as a child process the way npm runs
// it, and in-process for the error paths.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Io, main } from '../../scripts/report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'scripts/report.ts', ...args], { cwd: ROOT, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

function io(): Io & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    stdout(t: string) {
      o.out += t;
    },
    stderr(t: string) {
      o.err += t;
    },
    readFile(): string {
      throw new Error('no files here');
    },
  };
  return o;
}

describe('parse-activity', () => {
  it('prints exactly the JSON array of the issue, one object per activity', async () => {
    const r = await run('parse-activity', '3月5日 组织集中学习二十大精神，28人参加\n昨天召开支委会 2小时', '--today', '2024-06-20', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([
      { date: '2024-03-05', kind: '集中学习', attendees: 28, topic: '二十大精神', hours: null },
      { date: '2024-06-19', kind: '支委会', attendees: null, topic: null, hours: 2 },
    ]);
    // Exactly these keys, in this order.
    expect(r.stdout).toBe(`${JSON.stringify(JSON.parse(r.stdout))}\n`);
    expect(Object.keys(JSON.parse(r.stdout)[0])).toEqual(['date', 'kind', 'attendees', 'topic', 'hours']);
  });

  it('prints [] for a message that is not an activity, and null for an unclear kind', async () => {
    const none = io();
    expect(await main(['parse-activity', '谢谢', '--json'], none)).toBe(0);
    expect(none.out).toBe('[]\n');
    const unclear = io();
    expect(await main(['parse-activity', '昨天开会，15人参加', '--today', '2024-06-20', '--json'], unclear)).toBe(0);
    expect(JSON.parse(unclear.out)).toEqual([{ date: '2024-06-19', kind: null, attendees: 15, topic: null, hours: null }]);
  });

  it('says in the plain output what the card says about the date', async () => {
    const out = io();
    expect(await main(['parse-activity', '2月30日开展主题党日\n5月份开展廉政警示教育\n支委会 研究七一慰问', '--today', '2024-06-20'], out)).toBe(0);
    expect(out.out).toContain('主题党日（2月没有30日，请确认日期）');
    expect(out.out).toContain('2024-05-01 廉政教育（只写了5月，已先记在2024年5月1日，请补充具体日期）');
    expect(out.out).toContain('支委会 主题：研究七一慰问（未写日期，按今天记录）');
  });

  it('refuses a bad --today or a missing text with exit code 2', async () => {
    const bad = io();
    expect(await main(['parse-activity', '支委会', '--today', '2024-02-30', '--json'], bad)).toBe(2);
    expect(bad.err).toContain('--today');
    const missing = io();
    expect(await main(['parse-activity', '--json'], missing)).toBe(2);
    expect(missing.err).toContain('用法');
  });

  it('prints a readable summary without --json', async () => {
    const o = io();
    expect(await main(['parse-activity', '上周五讲党课《党章》 全体党员 2小时', '--today', '2024-06-20', '--members', '31'], o)).toBe(0);
    expect(o.out).toBe('1. 2024-06-14 党课 31人 2小时 主题：党章\n');
  });
});
