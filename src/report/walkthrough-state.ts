// The walk-through's state: a versioned session, validated by zod on read, and the pure helpers the
// state machine (walkthrough.ts) and the card renderers (cards/walkthrough.ts) share.
import { z } from 'zod';
import { type AchievementTemplate, DUTY_REPORT, type ReportTemplate } from './template.ts';
import { achievementSchema, ORG_TYPES, problemSchema, type ReportAnswers, type ReportStats, setupSchema, statsSchema } from './types.ts';

export type StepId = 'setup' | 'opening' | `ach:${string}` | 'rectification' | 'problems' | 'plan' | 'preview';

const STEP_RE = /^(?:setup|opening|rectification|problems|plan|preview|ach:[A-Za-z0-9_-]{1,40})$/;
export function isStepId(v: unknown): v is StepId {
  return typeof v === 'string' && STEP_RE.test(v);
}
export const stepIdSchema = z.custom<StepId>(isStepId, { message: 'unknown step' });

/** Last year's report as split by src/report/import.ts (`splitReport`); unknown fields are dropped. */
export const importedSchema = z.object({
  title: z.string().max(1000).optional(),
  year: z.number().int().optional(),
  opening: z.union([z.string().max(20_000), z.array(z.string().max(20_000)).max(50)]).optional(),
  sections: z
    .array(
      z.object({
        level: z.number().int(),
        number: z.string().max(20),
        heading: z.string().max(1000),
        text: z.string().max(50_000),
        templateId: z.string().max(40).optional(),
        part: z.enum(['achievements', 'problems', 'plan']).optional(),
        end: z.string().max(2).optional(),
        runIn: z.literal(true).optional(),
      }),
    )
    .max(200),
  problems: z.array(z.string().max(20_000)).max(50),
});
export type ImportedReport = z.infer<typeof importedSchema>;

/** Setup as typed so far: every field optional until the setup step is saved. */
export const setupDraftSchema = z.object({
  unit: z.string().max(60).optional(),
  orgType: z.enum(ORG_TYPES).optional(),
  year: z.number().int().min(2000).max(2100).optional(),
  superior: z.string().max(60).optional(),
});
export type SetupDraft = z.infer<typeof setupDraftSchema>;

export const MAX_ACHIEVEMENTS = 20;
export const MAX_PARAGRAPHS = { opening: 20, achievement: 50, rectification: 20, analysis: 20 } as const;
export const MAX_PROBLEMS = 10;
export const MAX_PLAN_ITEMS = 20;

export const walkAnswersSchema = z.object({
  setup: setupDraftSchema,
  opening: z.array(z.string().max(5000)).max(MAX_PARAGRAPHS.opening),
  /** All sub-sections in order, including removed ones (see `removed`), so a removal can be undone. */
  achievements: z.array(achievementSchema).max(MAX_ACHIEVEMENTS),
  rectification: z.array(z.string().max(5000)).max(MAX_PARAGRAPHS.rectification),
  problems: z.array(problemSchema).max(MAX_PROBLEMS),
  plan: z.object({ intro: z.string().max(2000).optional(), items: z.array(z.string().max(2000)).max(MAX_PLAN_ITEMS) }),
});
export type WalkAnswers = z.infer<typeof walkAnswersSchema>;

export const sessionSchema = z.object({
  v: z.literal(1),
  id: z.string().min(1).max(64),
  tenantKey: z.string().max(128),
  openId: z.string().min(1).max(128),
  /** The report year (also in answers.setup.year once setup is saved). */
  year: z.number().int().min(2000).max(2100),
  /** Bumped by every accepted action; card buttons carry it, so an outdated card is recognised. */
  rev: z.number().int().min(0),
  step: stepIdSchema,
  answers: walkAnswersSchema,
  imported: importedSchema.optional(),
  /** Ids of achievement sub-sections the secretary removed (their text is kept for a restore). */
  removed: z.array(z.string().max(40)).max(MAX_ACHIEVEMENTS),
  stats: statsSchema.optional(),
  /** Index of the paragraph (problem, plan item) of the current step being edited. */
  edit: z.number().int().min(0).max(100).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  completedAt: z.number().optional(),
});
export type Session = z.infer<typeof sessionSchema>;

/** A stored session (JSON text or parsed value); unknown version or invalid → null, never a throw. */
export function parseSession(json: unknown): Session | null {
  let v: unknown = json;
  if (typeof json === 'string') {
    try {
      v = JSON.parse(json);
    } catch {
      return null;
    }
  }
  const r = sessionSchema.safeParse(v);
  if (!r.success) return null;
  const s = r.data;
  // Cross-field consistency: a session pointing at a step it does not have is as good as corrupt.
  if (!steps(s).includes(s.step)) return null;
  return s;
}

export const TEMPLATE: ReportTemplate = DUTY_REPORT;

const yearMonthFormats = new Map<string, Intl.DateTimeFormat>();

function yearMonth(now: number, tz: string): { year: number; month: number } {
  // Building an Intl.DateTimeFormat costs ~100 µs: one per time zone, reused.
  let fmt = yearMonthFormats.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric' });
    yearMonthFormats.set(tz, fmt);
  }
  const parts = fmt.formatToParts(new Date(now));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { year: get('year'), month: get('month') };
}

/** The year a report written now is about: this year from October, last year until September. */
export function defaultReportYear(now: number, tz: string): number {
  const { year, month } = yearMonth(now, tz);
  return month >= 10 ? year : year - 1;
}

/** Years offered on the setup card: the default year ±1, never a year that has not begun. */
export function yearOptions(now: number, tz: string): number[] {
  const current = yearMonth(now, tz).year;
  const d = defaultReportYear(now, tz);
  const out: number[] = [];
  for (let y = d + 1; y >= d - 1; y--) if (y <= current) out.push(y);
  return out;
}

export function newSession(a: {
  id: string;
  tenantKey: string;
  openId: string;
  now: number;
  tz: string;
  stats?: ReportStats;
  template?: ReportTemplate;
}): Session {
  const year = defaultReportYear(a.now, a.tz);
  const t = a.template ?? TEMPLATE;
  const s: Session = {
    v: 1,
    id: a.id,
    tenantKey: a.tenantKey,
    openId: a.openId,
    year,
    rev: 0,
    step: 'setup',
    answers: {
      setup: { year },
      opening: [],
      achievements: t.achievements.map((x) => ({ id: x.id, heading: x.heading, paragraphs: [] })),
      rectification: [],
      problems: [],
      plan: { items: [] },
    },
    removed: [],
    createdAt: a.now,
    updatedAt: a.now,
  };
  if (a.stats) s.stats = a.stats;
  return s;
}

export const achStep = (id: string): StepId => `ach:${id}`;
export function achIdOf(step: StepId): string | null {
  return step.startsWith('ach:') ? step.slice(4) : null;
}

export function activeAchievements(s: Session): Session['answers']['achievements'] {
  return s.answers.achievements.filter((a) => !s.removed.includes(a.id));
}

/** The ordered steps, for navigation and the progress line. */
export function steps(s: Session): StepId[] {
  const out: StepId[] = ['setup', 'opening'];
  for (const a of activeAchievements(s)) out.push(achStep(a.id));
  if (s.imported) out.push('rectification');
  out.push('problems', 'plan', 'preview');
  return out;
}

export function achievementTemplate(id: string, t: ReportTemplate = TEMPLATE): AchievementTemplate | undefined {
  return t.achievements.find((x) => x.id === id);
}

export function completeSetup(s: Session): ReportAnswers['setup'] | null {
  const r = setupSchema.safeParse(s.answers.setup);
  return r.success ? r.data : null;
}

/**
 * The answers as the composer takes them: removed sub-sections left out, an added sub-section that
 * never got a heading or any text left out, rectification only when last year's report was imported.
 * Null while setup is incomplete.
 */
export function toReportAnswers(s: Session): ReportAnswers | null {
  const setup = completeSetup(s);
  if (!setup) return null;
  const a = s.answers;
  return {
    setup,
    opening: [...a.opening],
    achievements: activeAchievements(s)
      .filter((x) => x.heading.trim() !== '' || x.paragraphs.length > 0)
      .map((x) => ({ ...x, paragraphs: [...x.paragraphs] })),
    rectification: s.imported ? [...a.rectification] : [],
    problems: a.problems.map((p) => ({ problem: p.problem, analysis: [...p.analysis] })),
    plan: { ...(a.plan.intro ? { intro: a.plan.intro } : {}), items: [...a.plan.items] },
  };
}

/** Characters of text, not counting whitespace. */
export function textLength(parts: readonly string[]): number {
  let n = 0;
  for (const p of parts) n += [...p.replace(/\s+/g, '')].length;
  return n;
}

/** What every transition and renderer gets from outside: the clock, the zone, who clicked, fresh stats. */
export interface Ctx {
  now: number;
  tz: string;
  operatorOpenId: string;
  stats?: ReportStats;
  /** The document already generated for this report, if any (the preview then offers to open or update it). */
  published?: { url: string; at: number };
  /**
   * Set when the deployment configured a model (LLM_BASE_URL): text step cards offer 帮我起草 / 润色这段, and say
   * once where the text goes (`host`, the endpoint's host). Absent: no button, no mention.
   */
  assist?: { host: string };
}

/** Statistics to use: fresh ones from the context, else the ones saved with the session. */
export function statsOf(s: Session, ctx: Ctx): ReportStats | undefined {
  return ctx.stats ?? s.stats;
}

/** Attaches last year's report (split by src/report/import.ts) to the session: a new revision. */
export function attachImport(s: Session, imported: unknown, now: number): Session | null {
  const r = importedSchema.safeParse(imported);
  if (!r.success) return null;
  const n: Session = structuredClone(s);
  n.imported = r.data;
  n.rev = s.rev + 1;
  n.updatedAt = now;
  return n;
}
