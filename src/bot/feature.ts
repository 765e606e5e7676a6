// What a feature (activity log, publishing, deadlines) plugs into the router. Features own their files;
// the router only calls these hooks, in order, so that features never edit each other's code.
import type { CallbackAnswer } from '../feishu/edge.ts';
import type { InboundEvent } from '../feishu/inbound.ts';
import type { Toast } from '../../cards/action.ts';
import type { Session } from '../report/walkthrough.ts';
import type { ReportStats } from '../report/types.ts';

export type MessageEvent = Extract<InboundEvent, { type: 'message' }>;
export type CardActionEvent = Extract<InboundEvent, { type: 'card_action' }>;

export interface Feature {
  name: string;
  /**
   * A text/post/file message that is not an entry word of the walk-through (p2p: any; group: only when the bot
   * is @-mentioned, with the mention removed from `ev.text`). Return true when the feature handled it.
   */
  onMessage?(ev: MessageEvent): Promise<boolean>;
  /** Card actions whose value has `k` in `actionKinds`. */
  actionKinds?: readonly string[];
  onAction?(ev: CardActionEvent): Promise<CallbackAnswer>;
  /** BullMQ job names this feature processes. */
  jobNames?: readonly string[];
  process?(name: string, data: unknown): Promise<void>;
  /** Called once the bot is added to a group chat. */
  onBotAdded?(ev: Extract<InboundEvent, { type: 'bot_added' | 'bot_removed' }>): Promise<void>;
}

/** The publishing feature: 生成文档 on the preview card. */
export interface Publisher extends Feature {
  /**
   * The owner pressed 生成文档; `session` is already saved (CAS) with its new rev. Must answer fast: the slow
   * work is a job. Returns the card that replaces the preview card, and a toast. `messageId` is the clicked card,
   * so that the job can update it once the result is there.
   */
  request(session: Session, ctx: { now: number; tz: string; messageId?: string }): Promise<{ card: object; toast?: Toast }>;
}

/** Yearly statistics from the activity log, for the walk-through's statistics sentences. */
export type StatsSource = (tenantKey: string, openId: string, year: number) => Promise<ReportStats | undefined>;

/** The document already generated for a report (publishing records it), for the walk-through's preview. */
export type PublishedSource = (tenantKey: string, openId: string, year: number) => Promise<{ url: string; at: number } | null>;
