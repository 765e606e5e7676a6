// The checker and importer figures of `npm run eval` (see scripts/eval.ts) on test/fixtures/eval/reports/:
// each file is a report as pasted, after a header of "# key: value" lines and a "---" line. A line of the body
// that ends in ⟪!⟫ holds a defect a reviewer would mark (the mark is removed before checking); "corrected: yes"
// files must get no finding. The header also says how the importer must split the report.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitReport } from '../src/report/import.ts';
import { lintReport } from '../src/report/lint/index.ts';
import { DUTY_REPORT } from '../src/report/template.ts';

export interface EvalReport {
  file: string;
  head: Record<string, string>;
  text: string;
  /** 1-based lines holding a marked defect. */
  defects: number[];
}

const MARK = '⟪!⟫';

export function readReports(dir: string, part: 'tune' | 'holdout' | 'holdout2'): EvalReport[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${part}-`) && f.endsWith('.txt'))
    .sort()
    .map((file) => {
      const raw = readFileSync(join(dir, file), 'utf8');
      const cut = raw.indexOf('\n---\n');
      if (cut < 0) throw new Error(`${file}: no "---" line`);
      const head: Record<string, string> = {};
      for (const l of raw.slice(0, cut).split('\n')) {
        const m = /^#\s*([a-z]+):\s*(.*)$/.exec(l);
        if (m) head[m[1]!] = m[2]!.trim();
      }
      const lines = raw.slice(cut + 5).replace(/\n$/, '').split('\n');
      const defects: number[] = [];
      const clean = lines.map((l, i) => {
        if (!l.endsWith(MARK)) return l;
        defects.push(i + 1);
        return l.slice(0, -MARK.length);
      });
      return { file, head, text: clean.join('\n'), defects };
    });
}

export interface CheckerScore {
  defects: number;
  found: number;
  findings: number;
  rightFindings: number;
  /** Findings on the corrected reports (should be 0). */
  onCorrected: number;
  misses: string[];
}

export function scoreChecker(reports: EvalReport[]): CheckerScore {
  const s: CheckerScore = { defects: 0, found: 0, findings: 0, rightFindings: 0, onCorrected: 0, misses: [] };
  for (const r of reports) {
    const year = Number(r.head.year);
    const findings = lintReport(r.text, Number.isInteger(year) ? { year } : {});
    const lines = r.text.split('\n');
    if (r.head.corrected === 'yes') s.onCorrected += findings.length;
    s.defects += r.defects.length;
    for (const d of r.defects) {
      if (findings.some((f) => f.line === d)) s.found += 1;
      else s.misses.push(`  ${r.file}:${d} missed: ${lines[d - 1]!.slice(0, 40)}`);
    }
    for (const f of findings) {
      s.findings += 1;
      if (r.defects.includes(f.line)) s.rightFindings += 1;
      else s.misses.push(`  ${r.file}:${f.line} false alarm ${f.rule}: ${f.message.slice(0, 50)}`);
    }
  }
  return s;
}

export interface ImporterScore {
  right: number;
  total: number;
  misses: string[];
}

/** Page numbers and 文库 debris that must never reach last year's text. */
const DEBRIS = /^[\s\-—–－]*\d{1,3}[\s\-—–－]*$|^第\s*\d+\s*页|本文档由用户上传|如有侵权请联系删除/m;

export function scoreImporter(reports: EvalReport[]): ImporterScore {
  const s: ImporterScore = { right: 0, total: 0, misses: [] };
  const check = (r: EvalReport, what: string, ok: boolean, got: unknown) => {
    s.total += 1;
    if (ok) s.right += 1;
    else s.misses.push(`  ${r.file} ${what}: got ${String(JSON.stringify(got)).slice(0, 80)}`);
  };
  for (const r of reports) {
    const imp = splitReport(r.text, DUTY_REPORT);
    const title = r.head.title === '-' ? undefined : r.head.title;
    check(r, 'title', imp.title === title, imp.title);
    if (r.head.year) check(r, 'year', imp.year === Number(r.head.year), imp.year);
    if (r.head.opening) check(r, 'opening', imp.opening.startsWith(r.head.opening), imp.opening.slice(0, 30));
    for (const part of (r.head.parts ?? '').split(/\s+/).filter(Boolean)) {
      check(r, `part ${part}`, imp.sections.some((x) => x.level === 1 && x.part === part), imp.sections.filter((x) => x.level === 1).map((x) => x.heading));
    }
    const subs = imp.sections.filter((x) => x.level === 2 && x.part === 'achievements').map((x) => x.templateId ?? '-');
    const ids = (r.head.subsections ?? '').split(/\s+/).filter(Boolean);
    for (const [i, id] of ids.entries()) check(r, `sub-section ${i + 1} → ${id}`, subs[i] === id, subs);
    if (r.head.problems) check(r, 'problems', imp.problems.length === Number(r.head.problems), imp.problems);
    const all = [imp.opening, ...imp.sections.map((x) => `${x.heading}\n${x.text}`), ...imp.problems].join('\n');
    check(r, 'no page numbers or debris', !DEBRIS.test(all), DEBRIS.exec(all)?.[0]);
  }
  return s;
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);

export function checkerFigures(dir: string, part: 'tune' | 'holdout' | 'holdout2', verbose: boolean): void {
  const reports = readReports(dir, part);
  if (reports.length === 0) return;
  const s = scoreChecker(reports);
  if (part === 'tune') console.log('Checker: defects marked by hand in real-shaped reports');
  console.log(
    `  ${part.padEnd(8)} ${String(reports.length).padStart(2)} reports  recall ${pct(s.found, s.defects)} (${s.found}/${s.defects})  precision ${pct(s.rightFindings, s.findings)} (${s.rightFindings}/${s.findings})  findings on corrected reports: ${s.onCorrected}`,
  );
  if (verbose) for (const m of s.misses) console.log(m);
}

export function importerFigures(dir: string, part: 'tune' | 'holdout' | 'holdout2', verbose: boolean): void {
  const reports = readReports(dir, part);
  if (reports.length === 0) return;
  const s = scoreImporter(reports);
  if (part === 'tune') console.log('Importer: split accuracy (title/year, opening, three parts, sub-sections → template steps, problems, no debris)');
  console.log(`  ${part.padEnd(8)} ${String(reports.length).padStart(2)} reports  ${pct(s.right, s.total)} (${s.right}/${s.total})`);
  if (verbose) for (const m of s.misses) console.log(m);
}
