// The collector's list as CSV (UTF-8 with a BOM so that Excel reads it, CRLF line ends), sent as a file message.
import type { Person } from './progress.ts';
import { statusText } from './progress.ts';

/** One CSV cell; a text starting with = + - @ is prefixed with ' so that a spreadsheet does not run it. */
function cell(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function collectorCsv(people: readonly Person[], formatTime: (ms: number) => string): Buffer {
  const order = { done: 0, incomplete: 1, writing: 2, new: 3 } as const;
  const rows = [...people]
    .sort((a, b) => order[a.status.state] - order[b.status.state] || a.name.localeCompare(b.name, 'zh'))
    .map((p, i) => {
      const s = p.status;
      const published = s.state === 'done' || s.state === 'incomplete';
      return [i + 1, p.name, statusText(s), published ? formatTime(s.at) : '', published ? s.url : ''];
    });
  const header = ['序号', '姓名', '状态', '生成时间', '报告链接'];
  const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${text}\r\n`, 'utf8')]);
}

/** A file name without the characters file systems refuse. */
export function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\r\n\t]+/g, '_').slice(0, 80);
}
