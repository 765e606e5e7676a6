// A logged activity as stored: the parsed fields plus identity, status and revision.
import { z } from 'zod';
import { ACTIVITY_KINDS, type ActivityKind } from './kinds.ts';

export const RECORD_VERSION = 1;

export const activityRecordSchema = z.object({
  v: z.literal(RECORD_VERSION),
  /** `${messageId}:${segment index}`: the same message delivered twice gives the same ids. */
  id: z.string().min(1).max(200),
  /** The message the record came from (its batch). */
  msg: z.string().min(1).max(160),
  idx: z.number().int().min(0),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  kind: z.enum(ACTIVITY_KINDS).nullable(),
  attendees: z.number().int().min(0).max(100_000).nullable(),
  allMembers: z.boolean(),
  topic: z.string().max(200).nullable(),
  hours: z.number().min(0).max(1000).nullable(),
  /** The text as written. */
  source: z.string().max(1000),
  /**
   * What the confirmation card says about the date until the secretary settles it (issue 13): an impossible
   * date (stored as the day it was logged), a month without a day (its first day), a date still to come, or no
   * date written (the day it was logged). Absent once settled, and on records logged before.
   */
  dateNote: z.object({ kind: z.enum(['invalid', 'month', 'future', 'none']), text: z.string().max(100) }).optional(),
  /** Recorded as planned (a date still to come, kept by 按计划记录): not counted until its date is edited. */
  planned: z.boolean().optional(),
  /** logged: saved from a message; confirmed: 确认 pressed or edited; deleted: a tombstone (never re-created). */
  status: z.enum(['logged', 'confirmed', 'deleted']),
  rev: z.number().int().min(0),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ActivityRecord = z.infer<typeof activityRecordSchema>;

/** The organization a record belongs to: its secretary (tenant + open_id). */
export interface Owner {
  tenant: string;
  openId: string;
}

export function recordId(messageId: string, index: number): string {
  return `${messageId}:${index}`;
}

/** The fields a person edits (修改). */
export interface RecordEdit {
  date?: string;
  kind?: ActivityKind | null;
  attendees?: number | null;
  allMembers?: boolean;
  topic?: string | null;
  hours?: number | null;
}

/** A record counts in statistics once its kind is known and it is not deleted. */
export function counts(r: ActivityRecord): r is ActivityRecord & { kind: ActivityKind } {
  return r.status !== 'deleted' && r.kind !== null && !datePending(r) && !r.planned;
}

/** The date still has to be settled on the card: impossible, or still to come. */
export function datePending(r: Pick<ActivityRecord, 'dateNote'>): boolean {
  return r.dateNote?.kind === 'invalid' || r.dateNote?.kind === 'future';
}
