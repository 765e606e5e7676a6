// The Word export: the generated .docx is opened (jszip for the XML, mammoth for the text) and its layout
// checked against GB/T 9704 as the issue lists it, independently of the constants in word.ts.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/report.ts';
import { renderWord, wordFileName } from '../../src/publish/word.ts';
import { composeReport } from '../../src/report/compose.ts';
import { renderText } from '../../src/report/render-text.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import { answersSchema, type ReportTree, statsSchema } from '../../src/report/types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ANSWERS = join(ROOT, 'test/fixtures/reports/answers-2023.json');
const tmp = mkdtempSync(join(tmpdir(), 'publish-word-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Para {
  text: string;
  jc?: string;
  eastAsia?: string;
  ascii?: string;
  sz?: number;
  firstLineChars?: number;
  firstLine?: number;
  line?: number;
  lineRule?: string;
  hasPageField: boolean;
}

const attr = (xml: string, tag: string, name: string): string | undefined =>
  new RegExp(`<${tag}\\b[^>]*\\b${name}="([^"]*)"`).exec(xml)?.[1];

function paragraphs(xml: string): Para[] {
  return [...xml.matchAll(/<w:p>([\s\S]*?)<\/w:p>|<w:p [^>]*>([\s\S]*?)<\/w:p>/g)].map((m) => {
    const p = m[1] ?? m[2] ?? '';
    const text = [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join('');
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    return {
      text,
      jc: attr(p, 'w:jc', 'w:val'),
      eastAsia: attr(p, 'w:rFonts', 'w:eastAsia'),
      ascii: attr(p, 'w:rFonts', 'w:ascii'),
      sz: num(attr(p, 'w:sz', 'w:val')),
      firstLineChars: num(attr(p, 'w:ind', 'w:firstLineChars')),
      firstLine: num(attr(p, 'w:ind', 'w:firstLine')),
      line: num(attr(p, 'w:spacing', 'w:line')),
      lineRule: attr(p, 'w:spacing', 'w:lineRule'),
      hasPageField: /<w:instrText[^>]*>\s*PAGE\s*<\/w:instrText>/.test(p),
    };
  });
}

/** twips → mm */
const mm = (twips: number) => (twips / 1440) * 25.4;

let tree: ReportTree;
let zip: JSZip;
let body: Para[];
let documentXml: string;

beforeAll(async () => {
  const json = JSON.parse(readFileSync(ANSWERS, 'utf8'));
  tree = composeReport(DUTY_REPORT, answersSchema.parse(json), statsSchema.parse(json.stats));
  const buf = await renderWord(tree);
  zip = await JSZip.loadAsync(buf);
  documentXml = await zip.file('word/document.xml')!.async('string');
  body = paragraphs(documentXml);
});

describe('the Word file (GB/T 9704 layout)', () => {
  it('is A4 with margins 37/35/28/26 mm (top/bottom/left/right)', () => {
    const w = Number(attr(documentXml, 'w:pgSz', 'w:w'));
    const h = Number(attr(documentXml, 'w:pgSz', 'w:h'));
    expect(mm(w)).toBeCloseTo(210, 1);
    expect(mm(h)).toBeCloseTo(297, 1);
    const margin = (side: string) => mm(Number(attr(documentXml, 'w:pgMar', `w:${side}`)));
    expect(margin('top')).toBeCloseTo(37, 1);
    expect(margin('bottom')).toBeCloseTo(35, 1);
    expect(margin('left')).toBeCloseTo(28, 1);
    expect(margin('right')).toBeCloseTo(26, 1);
  });

  it('has the title in 方正小标宋简体 2号 (22 pt), centred, then the body', () => {
    const title = body[0]!;
    expect(title.text).toBe('2023年度区财政局党委书记抓基层党建工作述职报告');
    expect(title.jc).toBe('center');
    expect(title.eastAsia).toBe('方正小标宋简体');
    expect(title.sz).toBe(44); // half-points
    expect(title.firstLineChars).toBeUndefined();
  });

  it('sets paragraphs in 仿宋_GB2312 3号 (16 pt), 2-character first-line indent, fixed 28 pt lines', () => {
    const paras = body.filter((p) => p.text !== '' && p !== body[0] && !/^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)/.test(p.text));
    expect(paras.length).toBeGreaterThan(5);
    for (const p of paras) {
      expect(p.eastAsia, p.text).toBe('仿宋_GB2312');
      expect(p.sz, p.text).toBe(32);
      expect(p.firstLineChars, p.text).toBe(200); // hundredths of a character
      expect(p.firstLine, p.text).toBe(640); // 2 × 16 pt in twips
      expect(p.jc, p.text).toBe('both');
    }
    for (const p of body) {
      expect(p.line, p.text).toBe(560); // 28 pt × 20
      expect(p.lineRule, p.text).toBe('exact');
    }
  });

  it('sets 一、 headings in 黑体 and （一） headings in 楷体_GB2312, 3号', () => {
    const h1 = body.filter((p) => /^[一二三]、/.test(p.text));
    const h2 = body.filter((p) => /^（[一二三四五六七八九十]+）/.test(p.text));
    expect(h1.map((p) => p.text)).toEqual(tree.nodes.filter((n) => n.type === 'heading' && n.level === 1).map((n) => (n.type === 'heading' ? n.number + n.text : '')));
    expect(h2.length).toBeGreaterThan(3);
    for (const p of h1) expect([p.eastAsia, p.sz]).toEqual(['黑体', 32]);
    for (const p of h2) expect([p.eastAsia, p.sz]).toEqual(['楷体_GB2312', 32]);
  });

  it('numbers pages "— 1 —": right on odd pages, left on even pages', async () => {
    const settings = await zip.file('word/settings.xml')!.async('string');
    expect(settings).toContain('<w:evenAndOddHeaders/>');
    const refs = [...documentXml.matchAll(/<w:footerReference w:type="(\w+)" r:id="(\w+)"\/>/g)].map((m) => m[1]);
    expect(refs.sort()).toEqual(['default', 'even']);
    const footers = await Promise.all(
      Object.keys(zip.files)
        .filter((f) => /^word\/footer\d+\.xml$/.test(f))
        .map((f) => zip.file(f)!.async('string')),
    );
    expect(footers).toHaveLength(2);
    const sides = footers.map((x) => {
      const [p] = paragraphs(x);
      expect(p!.text).toBe('—  —'); // the number is the PAGE field between the dashes
      expect(p!.hasPageField).toBe(true);
      expect(x.indexOf('— <')).toBeLessThan(x.indexOf('PAGE'));
      expect(x.indexOf('PAGE')).toBeLessThan(x.indexOf('> —'));
      expect(p!.eastAsia).toBe('宋体');
      expect(p!.sz).toBe(28);
      return p!.jc;
    });
    expect(sides.sort()).toEqual(['left', 'right']);
  });

  it('reads, as text, exactly as the composed report', async () => {
    const buf = await renderWord(tree);
    const { value } = await mammoth.extractRawText({ buffer: buf });
    const lines = value.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual(renderText(tree).split('\n').filter((l) => l !== ''));
  });

  it('names the file after the title, without characters file systems refuse', () => {
    expect(wordFileName('2023年度区财政局党委书记抓基层党建工作述职报告')).toBe('2023年度区财政局党委书记抓基层党建工作述职报告.docx');
    expect(wordFileName('a/b\\c:d*e?"f"<g>|h')).toBe('abcdefgh.docx');
    expect(wordFileName('  ')).toBe('述职报告.docx');
  });
});

describe('npm run report -- compile --format docx --out FILE', () => {
  it('writes the same file in process, and refuses docx without --out', async () => {
    const out = join(tmp, 'in-process.docx');
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = { stdout: (t: string) => stdout.push(t), stderr: (t: string) => stderr.push(t), readFile: (p: string) => readFileSync(p, 'utf8') };
    expect(await main(['compile', ANSWERS, '--format', 'docx', '--out', out], io)).toBe(0);
    expect(stdout.join('')).toContain(out);
    const { value } = await mammoth.extractRawText({ path: out });
    expect(value.split('\n').filter((l) => l.trim() !== '')).toEqual(renderText(tree).split('\n').filter((l) => l !== ''));

    expect(await main(['compile', ANSWERS, '--format', 'docx'], io)).toBe(2);
    expect(stderr.join('')).toContain('--out');
  });

  it('runs as a child process the way npm runs it', async () => {
    const out = join(tmp, 'child.docx');
    const code = await new Promise<number>((resolve) => {
      execFile('npx', ['tsx', 'scripts/report.ts', 'compile', ANSWERS, '--format', 'docx', '--out', out], { cwd: ROOT }, (err) =>
        resolve(err ? (typeof err.code === 'number' ? err.code : -1) : 0),
      );
    });
    expect(code).toBe(0);
    const z = await JSZip.loadAsync(readFileSync(out));
    const xml = await z.file('word/document.xml')!.async('string');
    expect(paragraphs(xml)[0]!.text).toBe(tree.title);
  }, 30_000);
});
