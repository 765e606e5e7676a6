// Glue between card callbacks / entry words and the pure walk-through: load → handleAction → CAS save →
// answer with the new card (no extra API call per step).
import { parseActionValue } from '../../cards/action.ts';
import type { CallbackAnswer } from '../feishu/edge.ts';
import type { InboundEvent } from '../feishu/inbound.ts';
import {
  type Ctx,
  handleAction,
  MESSAGES,
  newSession,
  renderCard,
  resumeCard,
  type Session,
} from '../report/walkthrough.ts';
import type { SessionStore } from '../store/sessions.ts';
import { TEXT } from './texts.ts';
import type { Publisher, PublishedSource, StatsSource } from './feature.ts';
import type { BotLogger } from './index.ts';

type CardAction = Extract<InboundEvent, { type: 'card_action' }>;

const toast = (type: 'info' | 'success' | 'error' | 'warning', content: string) => ({ type, content });

export class WalkthroughHandler {
  constructor(
    private readonly d: {
      sessions: SessionStore;
      tz: string;
      now: () => number;
      newId: () => string;
      logger: BotLogger;
      publisher?: Publisher;
      stats?: StatsSource;
      published?: PublishedSource;
      /** The drafting model's host when 帮我起草 is configured (text step cards then offer it). */
      assistHost?: string;
    },
  ) {}

  private async ctx(tenantKey: string, openId: string, year?: number): Promise<Ctx> {
    const ctx: Ctx = { now: this.d.now(), tz: this.d.tz, operatorOpenId: openId };
    if (this.d.assistHost) ctx.assist = { host: this.d.assistHost };
    if (year !== undefined) {
      const [stats, published] = await Promise.all([this.d.stats?.(tenantKey, openId, year), this.d.published?.(tenantKey, openId, year)]);
      if (stats) ctx.stats = stats;
      if (published) ctx.published = published;
    }
    return ctx;
  }


  /** Opens the user's current report (any device, any instance) or starts a new one. */
  async startOrResume(tenantKey: string, openId: string): Promise<{ card: object; session: Session; notice?: string }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.d.sessions.current(tenantKey, openId);
      if (current && 'session' in current) {
        const ctx = await this.ctx(tenantKey, openId, current.session.year);
        return { card: resumeCard(current.session, ctx), session: current.session };
      }
      const fresh = newSession({ id: this.d.newId(), tenantKey, openId, now: this.d.now(), tz: this.d.tz });
      const ctx = await this.ctx(tenantKey, openId, fresh.year);
      if (ctx.stats) fresh.stats = ctx.stats;
      const existing = await this.d.sessions.forYear(tenantKey, openId, fresh.year);
      if (existing && 'session' in existing) return { card: resumeCard(existing.session, ctx), session: existing.session };
      const invalidRev = current && 'invalid' in current ? current.rev : existing && 'invalid' in existing ? existing.rev : undefined;
      if (await this.d.sessions.create(fresh, invalidRev)) {
        return invalidRev === undefined
          ? { card: renderCard(fresh, ctx), session: fresh }
          : { card: renderCard(fresh, ctx), session: fresh, notice: TEXT.sessionUnreadable };
      }
    }
    throw new Error('could not create or load the report session');
  }

  async onCardAction(ev: CardAction): Promise<CallbackAnswer> {
    const value = parseActionValue(ev.value);
    if (!value) return { toast: toast('warning', MESSAGES.badFormat) };
    if (value.k === 'start') {
      const r = await this.startOrResume(ev.tenantKey, ev.operatorOpenId);
      return { card: { type: 'raw', data: r.card }, ...(r.notice ? { toast: toast('info', r.notice) } : {}) };
    }
    const loaded = await this.d.sessions.byId(value.s);
    if (!loaded) return { toast: toast('warning', TEXT.sessionMissing) };
    if ('invalid' in loaded) {
      const r = await this.startOrResume(ev.tenantKey, ev.operatorOpenId);
      return { card: { type: 'raw', data: r.card }, toast: toast('info', TEXT.sessionUnreadable) };
    }
    const s = loaded.session;
    const ctx = await this.ctx(s.tenantKey, ev.operatorOpenId, s.answers.setup.year ?? s.year);
    const out = handleAction(s, value, ev.formValue, ctx);
    if (out.kind === 'reject') {
      return { toast: out.toast, ...(out.card ? { card: { type: 'raw', data: out.card } } : {}) };
    }
    const saved = await this.d.sessions.save(loaded.key, s.rev, out.session);
    if (!saved) {
      // Someone (another click, another instance) wrote first: show the latest state, change nothing.
      const latest = await this.d.sessions.byId(value.s);
      const card = latest && 'session' in latest ? renderCard(latest.session, ctx) : undefined;
      return { toast: toast('warning', TEXT.conflict), ...(card ? { card: { type: 'raw', data: card } } : {}) };
    }
    if (out.kind === 'effect' && out.effect === 'publish') {
      if (!this.d.publisher) {
        return { toast: toast('info', TEXT.publishUnavailable), card: { type: 'raw', data: renderCard(out.session, ctx) } };
      }
      const r = await this.d.publisher.request(out.session, { now: ctx.now, tz: this.d.tz, ...(ev.messageId ? { messageId: ev.messageId } : {}) });
      return { card: { type: 'raw', data: r.card }, ...(r.toast ? { toast: r.toast } : {}) };
    }
    return { card: { type: 'raw', data: out.card }, ...(out.toast ? { toast: out.toast } : {}) };
  }
}
