// `npm run report -- <command> …`: the report tools on the command line.
//   lint FILE [--year 2023] [--max-chars 5000] [--json]   check a report text (FILE "-" reads stdin)
//   compile ANSWERS.json [--format md|txt|docx] [--out FILE]  compose a report from answers (+ optional "stats");
//                                                         docx (GB/T 9704 layout) needs --out
//   parse-activity "TEXT" [--today YYYY-MM-DD] [--members N] [--json]  the activities a chat message logs
// A small dispatcher on the first argument: add a command by adding an entry to COMMANDS, and a compile
// output format by adding an entry to FORMATS. Exit codes: 0 ok, 1 findings, 2 usage or input error.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isIsoDate, todayIn } from '../src/activity/dates.ts';
import { parseActivities, toActivityJson } from '../src/activity/parse.ts';
import { composeReport } from '../src/report/compose.ts';
import { type Finding, lintReport } from '../src/report/lint/index.ts';
import { renderMarkdown, renderText } from '../src/report/render-text.ts';
import { DUTY_REPORT } from '../src/report/template.ts';
import { renderWord } from '../src/publish/word.ts';
import { type ReportTree, answersSchema, statsSchema } from '../src/report/types.ts';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
  /** Writes --out files; defaults to the file system. */
  writeFile?(path: string, data: string | Buffer): void;
}

const defaultIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p === '-' ? 0 : p, 'utf8'),
  writeFile: (p, data) => writeFileSync(p, data),
};

/** A mistake in how the command was called or in its input file: message to stderr, exit 2. */
export class UsageError extends Error {}

interface Command {
  usage: string;
  run(args: string[], io: Io): number | Promise<number>;
}

/** Output formats of `compile`: text formats, or a binary file (written to --out). */
export const FORMATS: Record<string, (tree: ReportTree) => string | Promise<Buffer>> = {
  txt: renderText,
  md: renderMarkdown,
  docx: renderWord,
};

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`参数有误：${(err as Error).message}\n用法：${usage}`);
  }
}

function readInput(path: string, io: Io): string {
  try {
    return io.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`找不到文件：${path}`);
    if (code === 'EISDIR') throw new UsageError(`这是一个目录，不是文件：${path}`);
    throw new UsageError(`无法读取文件 ${path}：${(err as Error).message}`);
  }
}

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} 应为 ${min} 到 ${max} 之间的整数，收到“${value}”。`);
  return n;
}

export function formatFinding(f: Finding): string {
  return `${f.line}:${f.column} [${f.rule}] ${f.message}` + (f.suggestion ? `（建议：${f.suggestion}）` : '');
}

const lint: Command = {
  usage: 'npm run report -- lint FILE [--year 2023] [--max-chars 5000] [--json]',
  run(args, io) {
    const { values, positionals } = parse(
      args,
      { year: { type: 'string' }, json: { type: 'boolean' }, 'max-chars': { type: 'string' } },
      this.usage,
    );
    if (positionals.length !== 1) throw new UsageError(`请指定一个要检查的文件。\n用法：${this.usage}`);
    const year = intOption(values.year, 'year', 2000, 2100);
    const maxChars = intOption(values['max-chars'], 'max-chars', 1, 1_000_000);
    const text = readInput(positionals[0]!, io);
    const findings = lintReport(text, { ...(year !== undefined ? { year } : {}), ...(maxChars ? { maxChars } : {}) });
    if (values.json) io.stdout(JSON.stringify(findings, null, 2) + '\n');
    else if (findings.length > 0) io.stdout(findings.map(formatFinding).join('\n') + '\n');
    else io.stdout('未发现格式问题。\n');
    return findings.length > 0 ? 1 : 0;
  },
};

const compileInput = z.object({ stats: statsSchema.optional() });

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  - ${i.path.length > 0 ? i.path.join('.') : '（整个文件）'}：${i.message}`).join('\n');
}

const compile: Command = {
  usage: `npm run report -- compile ANSWERS.json [--format ${Object.keys(FORMATS).join('|')}] [--out FILE]`,
  async run(args, io) {
    const { values, positionals } = parse(args, { format: { type: 'string' }, out: { type: 'string' } }, this.usage);
    if (positionals.length !== 1) throw new UsageError(`请指定一个答案文件（ANSWERS.json）。\n用法：${this.usage}`);
    const format = values.format ?? 'txt';
    const render = FORMATS[format];
    if (!render) throw new UsageError(`不支持的格式“${format}”，可选：${Object.keys(FORMATS).join('、')}。`);
    const path = positionals[0]!;
    let json: unknown;
    try {
      json = JSON.parse(readInput(path, io));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${path} 不是有效的 JSON：${(err as Error).message}`);
    }
    z.config(z.locales.zhCN());
    const answers = answersSchema.safeParse(json);
    const extra = compileInput.safeParse(json);
    if (!answers.success || !extra.success) {
      const issues = [answers.error, extra.error].filter((e) => e !== undefined).map(formatIssues);
      throw new UsageError(`${path} 的内容不符合答案文件格式：\n${issues.join('\n')}`);
    }
    const output = render(composeReport(DUTY_REPORT, answers.data, extra.data.stats));
    const out = values.out;
    if (typeof output === 'string' && !out) {
      io.stdout(output);
      return 0;
    }
    if (!out) {
      (output as Promise<Buffer>).catch(() => undefined);
      throw new UsageError(`--format ${format} 生成的是文件，请用 --out 指定保存位置，例如 --out 述职报告.docx`);
    }
    const data = await output;
    try {
      (io.writeFile ?? defaultIo.writeFile!)(out, data);
    } catch (err) {
      throw new UsageError(`无法写入文件 ${out}：${(err as Error).message}`);
    }
    io.stdout(`已生成：${out}\n`);
    return 0;
  },
};

const parseActivity: Command = {
  usage: 'npm run report -- parse-activity "TEXT" [--today YYYY-MM-DD] [--members N] [--json]',
  run(args, io) {
    const { values, positionals } = parse(args, { today: { type: 'string' }, members: { type: 'string' }, json: { type: 'boolean' } }, this.usage);
    if (positionals.length !== 1) throw new UsageError(`请给出一条消息的文字（"-" 从标准输入读取）。\n用法：${this.usage}`);
    const today = values.today ?? todayIn(Date.now(), process.env.BOT_TZ || 'Asia/Shanghai');
    if (!isIsoDate(today)) throw new UsageError(`--today 应为 YYYY-MM-DD 格式的日期，收到“${today}”。`);
    const members = intOption(values.members, 'members', 1, 100_000);
    const text = positionals[0] === '-' ? readInput('-', io) : positionals[0]!;
    const found = parseActivities(text, { today, ...(members ? { memberCount: members } : {}) });
    if (values.json) {
      io.stdout(`${JSON.stringify(found.map(toActivityJson))}\n`);
      return 0;
    }
    if (found.length === 0) {
      io.stdout('未识别到活动。\n');
      return 0;
    }
    const lines = found.map(
      (a, i) =>
        `${i + 1}. ${a.date} ${a.kind ?? '（类型不明）'}` +
        (a.attendees !== null ? ` ${a.attendees}人` : a.allMembers ? ' 全体党员' : '') +
        (a.hours !== null ? ` ${a.hours}小时` : '') +
        (a.topic ? ` 主题：${a.topic}` : '') +
        // What the confirmation card says about the date (the JSON keeps its five keys).
        (a.dateNote ? `（${a.dateNote.text}）` : a.dateGiven ? '' : '（未写日期，按今天记录）'),
    );
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};

export const COMMANDS: Record<string, Command> = { lint, compile, 'parse-activity': parseActivity };

function usage(): string {
  return ['用法：', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n') + '\n';
}

/** Runs one command; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(usage());
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`未知的命令“${name}”。\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(err.message + '\n');
      return 2;
    }
    throw err;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`内部错误：${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
