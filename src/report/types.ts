// The data a report is made of. This is the contract between the walk-through (which fills it),
// the composer (which turns it into a report tree) and the command line (ANSWERS.json is this, as JSON).
import { z } from 'zod';
import { ACTIVITY_KINDS } from '../activity/kinds.ts';

export const ORG_TYPES = ['党委', '党总支', '党支部'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export const setupSchema = z.object({
  unit: z.string().trim().min(1).max(60),
  orgType: z.enum(ORG_TYPES),
  year: z.number().int().min(2000).max(2100),
  /** The Party committee one level up (上级党委), e.g. 区直机关工委. */
  superior: z.string().trim().max(60).optional(),
});
export type ReportSetup = z.infer<typeof setupSchema>;

/** What the secretary chose to do with the statistics sentence the bot offered for a section. */
export const statChoiceSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('accept') }),
  z.object({ mode: z.literal('edit'), text: z.string().max(1000) }),
  z.object({ mode: z.literal('drop') }),
]);
export type StatChoice = z.infer<typeof statChoiceSchema>;

export const achievementSchema = z.object({
  /** A template section id (duty, study, …) or `custom-N` for a sub-section the secretary added. */
  id: z.string().min(1).max(40),
  /** The heading phrase without its number, e.g. 认真履行职责，带头落实党建工作责任制. */
  heading: z.string().max(200),
  paragraphs: z.array(z.string().max(5000)).max(50),
  stat: statChoiceSchema.optional(),
});
export type Achievement = z.infer<typeof achievementSchema>;

export const problemSchema = z.object({
  problem: z.string().max(500),
  analysis: z.array(z.string().max(5000)).max(20),
});
export type Problem = z.infer<typeof problemSchema>;

export const answersSchema = z.object({
  setup: setupSchema,
  opening: z.array(z.string().max(5000)).max(20).default([]),
  achievements: z.array(achievementSchema).max(20).default([]),
  /** What was done about the problems named in last year's report (only when last year's was imported). */
  rectification: z.array(z.string().max(5000)).max(20).default([]),
  problems: z.array(problemSchema).max(10).default([]),
  plan: z
    .object({ intro: z.string().max(2000).optional(), items: z.array(z.string().max(2000)).max(20).default([]) })
    .default({ items: [] }),
});
export type ReportAnswers = z.infer<typeof answersSchema>;

/** Yearly statistics from the activity log, keyed by canonical kind name. */
export const statsSchema = z.object({
  year: z.number().int(),
  counts: z.partialRecord(z.enum(ACTIVITY_KINDS), z.number().int().min(0)),
  /** Total study hours logged, when known. */
  studyHours: z.number().min(0).optional(),
});
export type ReportStats = z.infer<typeof statsSchema>;

/** The composed report: a tree the renderers (text, Markdown, docx blocks, .docx) walk. */
export type ReportNode =
  | { type: 'title'; text: string }
  | { type: 'heading'; level: 1 | 2 | 3 | 4; number: string; text: string }
  | { type: 'paragraph'; text: string };

export interface ReportTree {
  title: string;
  nodes: ReportNode[];
}
