// The yearly "submitted" mark of a report: when it was published and where. Deadline nudges read it.
// One Redis hash per (tenant, year): field = open_id, value = JSON {at, url, documentId, complete}.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { KEY_PREFIX } from '../store/redis.ts';

export interface Submission {
  /** When the report was (last) published, ms since the epoch. */
  at: number;
  /** The link to the Feishu document. */
  url: string;
  documentId: string;
  /**
   * The published report passed the completeness check (src/report/completeness.ts): an opening, an achievement,
   * the problems and the plan. Absent on marks written before the check existed (unknown).
   */
  complete?: boolean;
}

const submissionSchema = z.object({ at: z.number(), url: z.string(), documentId: z.string(), complete: z.boolean().optional() });

/** Kept for two years: long enough for "last year's report" look-ups. */
export const SUBMISSION_TTL_S = 2 * 366 * 24 * 3600;

export function submissionsKey(tenantKey: string, year: number): string {
  return `${KEY_PREFIX}pub:submitted:${tenantKey || '-'}:${year}`;
}

function parse(raw: string | null | undefined): Submission | null {
  if (!raw) return null;
  try {
    const r = submissionSchema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The user's submission for `year`, or null when the report has not been published. */
export async function getSubmission(redis: Redis, tenantKey: string, openId: string, year: number): Promise<Submission | null> {
  return parse(await redis.hget(submissionsKey(tenantKey, year), openId));
}

/** Every submission of the tenant for `year`, oldest first. */
export async function listSubmissions(
  redis: Redis,
  tenantKey: string,
  year: number,
): Promise<Array<Submission & { openId: string }>> {
  const all = await redis.hgetall(submissionsKey(tenantKey, year));
  const out: Array<Submission & { openId: string }> = [];
  for (const [openId, raw] of Object.entries(all)) {
    const s = parse(raw);
    if (s) out.push({ openId, ...s });
  }
  return out.sort((a, b) => a.at - b.at || a.openId.localeCompare(b.openId));
}

/** Marks the report submitted (a later publish updates the time and keeps one entry per user). */
export async function markSubmitted(redis: Redis, tenantKey: string, openId: string, year: number, s: Submission): Promise<void> {
  const key = submissionsKey(tenantKey, year);
  await redis.multi().hset(key, openId, JSON.stringify(s)).expire(key, SUBMISSION_TTL_S).exec();
}
