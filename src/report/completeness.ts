// What makes a composed report "complete" enough to count as submitted for a deadline: an opening, at least one
// achievement, the problems and the plan. Pure; reads only the composed tree (the walk-through's own completeness
// rule, when it exists, may be stricter). Parts are found by their template headings, with years masked.
import { toHeading } from './compose.ts';
import type { ReportTemplate } from './template.ts';
import type { ReportTree } from './types.ts';

export type ReportPart = 'opening' | 'achievements' | 'problems' | 'plan';

export const PART_NAMES: Readonly<Record<ReportPart, string>> = {
  opening: '开头概述',
  achievements: '主要成绩',
  problems: '存在问题',
  plan: '工作思路',
};

const mask = (s: string) => s.replace(/\{\w+\}|[0-9０-９]+/g, '#');

/** The parts the report still lacks, in report order; empty when it is complete. */
export function missingParts(tree: ReportTree, template: ReportTemplate): ReportPart[] {
  const keyOf: Record<string, Exclude<ReportPart, 'opening'>> = {
    [mask(toHeading(template.achievementsHeading))]: 'achievements',
    [mask(toHeading(template.problemsHeading))]: 'problems',
    [mask(toHeading(template.planHeading))]: 'plan',
  };
  const found = new Set<ReportPart>();
  let part: ReportPart | null = 'opening';
  for (const n of tree.nodes) {
    if (n.type === 'heading' && n.level === 1) part = keyOf[mask(n.text)] ?? null;
    // Achievements and problems need a real entry (a paragraph, or a named problem); the plan part is composed
    // only from what was typed, so any paragraph under it counts.
    else if (part && n.type === 'paragraph' && n.text.trim() !== '' && part !== 'problems') found.add(part);
    else if (part === 'problems' && n.type === 'heading' && n.level === 2) found.add('problems');
  }
  return (['opening', 'achievements', 'problems', 'plan'] as const).filter((p) => !found.has(p));
}

export function isReportComplete(tree: ReportTree, template: ReportTemplate): boolean {
  return missingParts(tree, template).length === 0;
}
