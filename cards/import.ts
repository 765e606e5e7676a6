// Cards of the "import last year's report" flow: what was received, what the checker found, 导入 / 取消.
import type { Finding } from '../src/report/lint/index.ts';
import { escapeMd } from './escape.ts';
import { button, card, md, row } from './parts.ts';

export interface ImportSummary {
  chars: number;
  parts: number;
  title?: string;
  sections: number;
  problems: number;
  findings: Finding[];
  fileName?: string;
}

const MAX_FINDINGS_SHOWN = 5;

export function importReceivedCard(x: ImportSummary): object {
  const from = x.fileName ? `文件“${escapeMd(x.fileName)}”` : `${x.parts} 条消息`;
  const lines = [
    `已收到去年的述职报告（${from}，共 ${x.chars} 字）。`,
    x.title ? `标题：${escapeMd(x.title)}` : '未识别到标题。',
    `识别出成绩部分 ${x.sections} 个小节、存在问题 ${x.problems} 条。`,
  ];
  if (!x.fileName) lines.push('如报告较长、分几条消息发送，请继续粘贴，全部发送后再点击“导入”。');
  const findings =
    x.findings.length === 0
      ? '格式检查：未发现问题。'
      : `格式检查发现 ${x.findings.length} 处问题（今年撰写时请注意避免）：\n${x.findings
          .slice(0, MAX_FINDINGS_SHOWN)
          .map((f) => `· 第 ${f.line} 行：${escapeMd(f.message)}`)
          .join('\n')}${x.findings.length > MAX_FINDINGS_SHOWN ? `\n· ……另有 ${x.findings.length - MAX_FINDINGS_SHOWN} 处` : ''}`;
  return card({
    title: '导入去年的述职报告',
    template: 'blue',
    elements: [
      md(lines.join('\n')),
      md(findings),
      md('导入后，每一步都会显示去年对应部分作为参考，并增加“上年度问题整改情况”一步。'),
      row([button('导入', { k: 'imp', a: 'do' }, { type: 'primary' }), button('取消', { k: 'imp', a: 'cancel' })]),
    ],
  });
}

export function importDoneCard(text: string): object {
  return card({ title: '导入去年的述职报告', template: 'grey', elements: [md(escapeMd(text))] });
}
