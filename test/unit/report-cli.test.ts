// The report command line, run as a child process the way `npm run report -- …` runs it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type Io, main } from '../../scripts/report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/reports');
const tmp = mkdtempSync(join(tmpdir(), 'report-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'scripts/report.ts', ...args], { cwd: ROOT, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function tmpFile(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

describe('report lint (child process)', () => {
  it.concurrent('prints one line per finding and exits 1', async () => {
    const r = await run('lint', join(FIXTURES, 'errors-2023.txt'));
    expect(r.code).toBe(1);
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(16);
    expect(out[0]).toBe('3:39 [punctuation-width] 中文中使用了半角标点“,”。（建议：改为“，”）');
    expect(out).toContain('40:3 [plan-year] 工作思路部分写的是2024年的工作，这里却写成了“2023年”。（建议：改为“2024年”）');
  });

  it.concurrent('prints a JSON array with --json and takes --year', async () => {
    const r = await run('lint', join(FIXTURES, 'clean-2023.txt'), '--year', '2024', '--json');
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as Array<{ rule: string; line: number; column: number }>;
    expect(findings.map((f) => f.rule)).toContain('title-year');
    expect(findings[0]).toMatchObject({ rule: 'title-year', line: 1, column: 1 });
  });

  it.concurrent('exits 0 on a clean report', async () => {
    const r = await run('lint', join(FIXTURES, 'clean-2023.txt'), '--json');
    expect(r).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it.concurrent('exits 2 with a Chinese message on usage errors', async () => {
    const [noFile, missing, badYear, badOption] = await Promise.all([
      run('lint'),
      run('lint', join(tmp, 'nope.txt')),
      run('lint', join(FIXTURES, 'clean-2023.txt'), '--year', 'abc'),
      run('lint', join(FIXTURES, 'clean-2023.txt'), '--bogus'),
    ]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('请指定一个要检查的文件');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('找不到文件');
    expect(badYear.code).toBe(2);
    expect(badYear.stderr).toContain('--year 应为 2000 到 2100 之间的整数');
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('参数有误');
  });
});

describe('report compile (child process)', () => {
  it.concurrent('prints the composed report as text', async () => {
    const r = await run('compile', join(FIXTURES, 'answers-2023.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(FIXTURES, 'answers-2023.expected.txt'), 'utf8'));
  });

  it.concurrent('prints Markdown with --format md', async () => {
    const r = await run('compile', join(FIXTURES, 'answers-2023.json'), '--format', 'md');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 5)).toEqual([
      '# 2023年度区财政局党委书记抓基层党建工作述职报告',
      '',
      expect.stringMatching(/^2023年，在区直机关工委的坚强领导下/),
      '',
      '## 一、2023年基层党建主要成绩及经验',
    ]);
  });

  it.concurrent('exits 2 on invalid JSON, an invalid answers file or an unknown format', async () => {
    const notJson = tmpFile('not.json', '{"setup": ');
    const invalid = tmpFile('invalid.json', JSON.stringify({ setup: { unit: '区财政局', orgType: '支部', year: 2023 }, stats: { year: 'x' } }));
    const [a, b, c] = await Promise.all([
      run('compile', notJson),
      run('compile', invalid),
      run('compile', join(FIXTURES, 'answers-2023.json'), '--format', 'pdf'),
    ]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('不是有效的 JSON');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('的内容不符合答案文件格式');
    expect(b.stderr).toContain('setup.orgType');
    expect(b.stderr).toContain('stats.year');
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('不支持的格式“pdf”');
    expect(a.stdout + b.stdout + c.stdout).toBe('');
  });
});

describe('report dispatcher', () => {
  it.concurrent('exits 2 on an unknown command or no command (child process)', async () => {
    const [unknown, none] = await Promise.all([run('frobnicate'), run()]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('未知的命令“frobnicate”');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('用法');
  });

  it('runs in-process with an injected reader (FILE "-" is stdin)', async () => {
    const out: string[] = [];
    const io: Io = {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(`ERR ${t}`),
      readFile: (p) => (p === '-' ? '2023年度区财政局党委书记抓基层党建工作述职报告\n\n全年学习30次,效果良好。' : ''),
    };
    expect(await main(['lint', '-'], io)).toBe(1);
    expect(out).toEqual(['3:8 [punctuation-width] 中文中使用了半角标点“,”。（建议：改为“，”）\n']);
    out.length = 0;
    expect(await main(['help'], io)).toBe(0);
    expect(out.join('')).toContain('npm run report -- compile ANSWERS.json');
  });
});
