// The value carried by every card button (behaviors[].value), validated on the way back in.
// Kept short on purpose: a card must stay under 30 KB.
import { z } from 'zod';

/** Walk-through actions. */
export const WT_ACTIONS = [
  'next', // save what was typed, go to the next step
  'back', // save what was typed, go to the previous step
  'skip', // go to the next step, discarding what was typed
  'later', // save what was typed and pause (effect)
  'save', // save what was typed (append a paragraph, or replace the one being edited), stay
  'edit', // start editing paragraph/problem/item `t` of the current step
  'cancel', // stop editing
  'goto', // jump to step `t`
  'resume', // show the current step again (from the "saved" or "publishing" card)
  'stat', // statistics sentence: t = accept | edit | drop
  'clear', // empty the current section
  'add', // add a custom achievement sub-section after the current one
  'remove', // remove the current achievement sub-section
  'restore', // restore removed sub-section `t`
  'rename', // save the sub-section heading
  'publish', // generate the document (effect, handled elsewhere)
] as const;
export type WtAction = (typeof WT_ACTIONS)[number];

export const wtValueSchema = z.object({
  k: z.literal('wt'),
  a: z.enum(WT_ACTIONS),
  /** Session id. */
  s: z.string().min(1).max(64),
  /** Step the card was showing. */
  st: z.string().min(1).max(64),
  /** Session revision the card was rendered from. */
  r: z.number().int().min(0),
  /** Target: a step id, an achievement id, a paragraph index, or a stat mode. */
  t: z.union([z.string().max(64), z.number().int().min(0).max(1000)]).optional(),
});
export type WtActionValue = z.infer<typeof wtValueSchema>;

/** The welcome card's 开始写述职报告 button (handled by the bot, which creates the session). */
export const startValueSchema = z.object({ k: z.literal('start') });
export type StartActionValue = z.infer<typeof startValueSchema>;

/**
 * 帮我起草 / 重新起草 / 润色这段 and 用回我的原文 on a walk-through step card (the drafting feature,
 * src/drafting/feature.ts). Same session, step and rev as the card's walk-through buttons; `t` is the paragraph
 * being polished.
 */
export const DR_ACTIONS = ['draft', 'redraft', 'polish', 'mine'] as const;
export type DrAction = (typeof DR_ACTIONS)[number];
export const drValueSchema = z.object({
  k: z.literal('dr'),
  a: z.enum(DR_ACTIONS),
  s: z.string().min(1).max(64),
  st: z.string().min(1).max(64),
  r: z.number().int().min(0),
  t: z.number().int().min(0).max(1000).optional(),
});
export type DrActionValue = z.infer<typeof drValueSchema>;

export type ActionValue = WtActionValue | StartActionValue;
export const actionValueSchema: z.ZodType<ActionValue> = z.discriminatedUnion('k', [wtValueSchema, startValueSchema]);

export function parseActionValue(v: unknown): ActionValue | null {
  const r = actionValueSchema.safeParse(v);
  return r.success ? r.data : null;
}

export interface Toast {
  type: 'info' | 'success' | 'error' | 'warning';
  content: string;
}
