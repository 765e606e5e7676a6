// Report tree → .docx in the printed layout of Party and government documents (GB/T 9704-2012):
// A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 2号 (22 pt) centred;
// body 仿宋_GB2312 3号 (16 pt) justified with a 2-character first-line indent; level-1 headings 黑体, level-2
// 楷体_GB2312 (both 3号, indented like the body); fixed 28 pt line spacing; page numbers "— 1 —" in 宋体 4号,
// right on odd pages and left on even pages, one character in from the edge.
import {
  AlignmentType,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  TextRun,
} from 'docx';
import type { ReportNode, ReportTree } from '../report/types.ts';

/** Points → half-points (the unit of w:sz). */
const halfPoints = (pt: number) => pt * 2;
/** Points → twips (twentieths of a point). */
const twips = (pt: number) => pt * 20;
/** Millimetres → twips, rounded (A4 is 11906 × 16838 twips, as Word writes it). */
export const mmToTwips = (mm: number) => Math.round((mm * 1440) / 25.4);

export const GBT9704 = {
  pageMm: { width: 210, height: 297 },
  marginMm: { top: 37, bottom: 35, left: 28, right: 26 },
  /** Distance of the footer from the bottom edge, so the page number sits about 7 mm below the text block. */
  footerMm: 28,
  headerMm: 15,
  /** Fixed line spacing, points. */
  linePt: 28,
  fonts: {
    title: '方正小标宋简体',
    body: '仿宋_GB2312',
    heading1: '黑体',
    heading2: '楷体_GB2312',
    pageNumber: '宋体',
  },
  /** 2号 = 22 pt, 3号 = 16 pt, 4号 = 14 pt. */
  sizePt: { title: 22, body: 16, pageNumber: 14 },
  /** First-line indent of body paragraphs and headings, in characters. */
  indentChars: 2,
} as const;

const LINE = { line: twips(GBT9704.linePt), lineRule: LineRuleType.EXACT, before: 0, after: 0 } as const;
const INDENT = {
  // firstLineChars is in hundredths of a character (Word uses it); firstLine (twips) is the fallback.
  firstLineChars: GBT9704.indentChars * 100,
  firstLine: twips(GBT9704.indentChars * GBT9704.sizePt.body),
} as const;

function font(name: string) {
  return { ascii: name, eastAsia: name, hAnsi: name, cs: name };
}

function run(text: string, fontName: string, sizePt: number): TextRun {
  return new TextRun({ text, font: font(fontName), size: halfPoints(sizePt), sizeComplexScript: halfPoints(sizePt) });
}

function titleParagraph(text: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: LINE,
    children: [run(text, GBT9704.fonts.title, GBT9704.sizePt.title)],
  });
}

function emptyLine(): Paragraph {
  return new Paragraph({ spacing: LINE, children: [run('', GBT9704.fonts.body, GBT9704.sizePt.body)] });
}

function nodeParagraph(node: Exclude<ReportNode, { type: 'title' }>): Paragraph {
  if (node.type === 'paragraph') {
    return new Paragraph({
      alignment: AlignmentType.BOTH,
      spacing: LINE,
      indent: INDENT,
      children: [run(node.text, GBT9704.fonts.body, GBT9704.sizePt.body)],
    });
  }
  // 一、 黑体; （一） 楷体_GB2312; deeper levels (1. and （1）) in the body font.
  const fontName =
    node.level === 1 ? GBT9704.fonts.heading1 : node.level === 2 ? GBT9704.fonts.heading2 : GBT9704.fonts.body;
  return new Paragraph({
    alignment: AlignmentType.BOTH,
    spacing: LINE,
    indent: INDENT,
    outlineLevel: node.level - 1,
    keepNext: true,
    children: [run(node.number + node.text, fontName, GBT9704.sizePt.body)],
  });
}

function pageNumberFooter(side: 'odd' | 'even'): Footer {
  const oneChar = twips(GBT9704.sizePt.pageNumber);
  const style = { font: font(GBT9704.fonts.pageNumber), size: halfPoints(GBT9704.sizePt.pageNumber) };
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: oneChar } : { left: oneChar },
        children: [new TextRun({ ...style, text: '— ' }), new TextRun({ ...style, children: [PageNumber.CURRENT] }), new TextRun({ ...style, text: ' —' })],
      }),
    ],
  });
}

/** The docx Document of a report (exposed for tests; `renderWord` packs it). */
export function wordDocument(tree: ReportTree): Document {
  const body = tree.nodes.filter((n): n is Exclude<ReportNode, { type: 'title' }> => n.type !== 'title');
  const mm = mmToTwips;
  return new Document({
    title: tree.title,
    creator: '述职助手',
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: { font: font(GBT9704.fonts.body), size: halfPoints(GBT9704.sizePt.body), language: { eastAsia: 'zh-CN' } },
          paragraph: { spacing: LINE },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(GBT9704.pageMm.width), height: mm(GBT9704.pageMm.height) },
            margin: {
              top: mm(GBT9704.marginMm.top),
              bottom: mm(GBT9704.marginMm.bottom),
              left: mm(GBT9704.marginMm.left),
              right: mm(GBT9704.marginMm.right),
              header: mm(GBT9704.headerMm),
              footer: mm(GBT9704.footerMm),
            },
          },
        },
        footers: { default: pageNumberFooter('odd'), even: pageNumberFooter('even') },
        children: [titleParagraph(tree.title), emptyLine(), ...body.map(nodeParagraph)],
      },
    ],
  });
}

/** The .docx file of a report. */
export async function renderWord(tree: ReportTree): Promise<Buffer> {
  return Packer.toBuffer(wordDocument(tree));
}

/** A file name for the report: its title without characters file systems refuse, ending in .docx. */
export function wordFileName(title: string): string {
  const clean = title
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const base = [...(clean || '述职报告')].slice(0, 120).join('');
  return `${base}.docx`;
}
