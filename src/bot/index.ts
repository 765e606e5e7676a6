// The router: turns typed inbound events into feature work through the two ports (Feishu, Redis).
import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { type CallbackAnswer, createDelivery, dedupeKeyOf, EVENT_JOB, replayEvent } from '../feishu/delivery.ts';
import type { InboundEvent } from '../feishu/inbound.ts';
import type { FeishuPort } from '../feishu/port.ts';
import { type Jobs, safeJobId } from '../jobs/queue.ts';
import { KEY_PREFIX } from '../store/redis.ts';
import { SessionStore } from '../store/sessions.ts';
import { isEntryWord, TEXT } from './texts.ts';
import { WalkthroughHandler } from './walkthrough.ts';
import { welcomeCard } from '../report/walkthrough.ts';
import type { Feature, Publisher, PublishedSource, StatsSource } from './feature.ts';
import { createImportFeature } from './import.ts';

export interface BotLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface BotDeps {
  port: FeishuPort;
  redis: Redis;
  jobs: Jobs;
  tz: string;
  logger: BotLogger;
  docUrlBase?: string;
  folderToken?: string;
  now?: () => number;
  newId?: () => string;
  /** Features plugged into the router (activity log, deadlines…), asked in order. */
  features?: Feature[];
  publisher?: Publisher;
  stats?: StatsSource;
  /** The document already generated for a report (the preview offers to open or update it). */
  published?: PublishedSource;
  /** Set with the drafting feature (src/drafting/feature.ts, in `features`): the model endpoint's host. */
  assistHost?: string;
}

export interface Bot {
  handle(ev: InboundEvent): Promise<CallbackAnswer | undefined>;
  /** The walk-through card that opens (or resumes) a user's report: for features such as deadline nudges. */
  openWalkthrough(tenantKey: string, openId: string): Promise<object>;
  process(name: string, data: unknown, job: Job): Promise<void>;
  /** Records an event as a durable job that any instance's worker completes exactly once. */
  persist(ev: InboundEvent, o: { delayMs: number }): Promise<void>;
}

export function createBot(deps: BotDeps): Bot {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => randomBytes(9).toString('base64url'));
  const sessions = new SessionStore(deps.redis);
  const delivery = createDelivery({ redis: deps.redis, logger: deps.logger });
  const walkthrough = new WalkthroughHandler({
    sessions,
    tz: deps.tz,
    now,
    newId,
    logger: deps.logger,
    publisher: deps.publisher,
    stats: deps.stats,
    published: deps.published,
    ...(deps.assistHost ? { assistHost: deps.assistHost } : {}),
  });
  const importer = createImportFeature({ redis: deps.redis, port: deps.port, sessions, walkthrough, logger: deps.logger, now, tz: deps.tz });
  const features: Feature[] = [importer, ...(deps.features ?? []), ...(deps.publisher ? [deps.publisher] : [])];

  async function sendCard(openId: string, card: object): Promise<void> {
    await deps.port.sendMessage({ receiveIdType: 'open_id', receiveId: openId, msgType: 'interactive', content: card });
  }

  async function onMessage(ev: Extract<InboundEvent, { type: 'message' }>): Promise<void> {
    const inGroup = ev.chatType !== 'p2p';
    // In a group the bot only acts when it is addressed (Feishu delivers @-messages; be strict anyway).
    if (inGroup && ev.mentions.length === 0) return;
    const uuid = safeJobId('re', ev.messageId).slice(0, 50);
    if (ev.messageType !== 'text' && ev.messageType !== 'post') {
      for (const f of features) if (f.onMessage && (await f.onMessage(ev))) return;
      if (!inGroup) await deps.port.replyMessage({ messageId: ev.messageId, msgType: 'text', content: { text: TEXT.unsupportedMessage }, uuid, chatId: ev.chatId });
      return;
    }
    if (isEntryWord(ev.text)) {
      const { card } = await walkthrough.startOrResume(ev.tenantKey, ev.senderOpenId);
      if (inGroup) {
        await deps.port.replyMessage({ messageId: ev.messageId, msgType: 'text', content: { text: TEXT.groupRedirect }, uuid, chatId: ev.chatId });
      }
      await deps.port.sendMessage({
        receiveIdType: 'open_id',
        receiveId: ev.senderOpenId,
        msgType: 'interactive',
        content: card,
        uuid: safeJobId('wt', ev.messageId).slice(0, 50),
      });
      return;
    }
    for (const f of features) if (f.onMessage && (await f.onMessage(ev))) return;
    if (inGroup) {
      await deps.port.replyMessage({ messageId: ev.messageId, msgType: 'text', content: { text: TEXT.groupHelp }, uuid, chatId: ev.chatId });
      return;
    }
    await deps.port.replyMessage({ messageId: ev.messageId, msgType: 'interactive', content: await welcome(ev.tenantKey, ev.senderOpenId), uuid, chatId: ev.chatId });
  }

  /** The welcome card; a report already begun (and not yet made a document) is offered to be continued. */
  async function welcome(tenantKey: string, openId: string): Promise<object> {
    const current = await sessions.current(tenantKey, openId);
    const s = current && 'session' in current ? current.session : undefined;
    const published = s ? await deps.published?.(tenantKey, openId, s.answers.setup.year ?? s.year) : undefined;
    return welcomeCard(s && !published ? s : undefined);
  }

  async function onP2pEntered(ev: Extract<InboundEvent, { type: 'p2p_entered' }>): Promise<void> {
    // The welcome card comes the first time a user opens the chat, and again whenever the chat is empty (the
    // event names no last message): a new user expects a greeting in an empty chat, also after the history was
    // cleared or the playground restarted with its data kept.
    const who = `${ev.tenantKey || '-'}:${ev.operatorOpenId}`;
    const first = await deps.redis.set(`${KEY_PREFIX}welcomed:${who}`, '1', 'NX');
    if (first !== 'OK') {
      if (ev.lastMessageId) return;
      // Several opens before the card lands (or a client that leaves the field out) greet once a minute at most.
      const again = await deps.redis.set(`${KEY_PREFIX}welcomed-empty:${who}`, '1', 'EX', 60, 'NX');
      if (again !== 'OK') return;
    }
    await deps.port.sendMessage({
      receiveIdType: 'chat_id',
      receiveId: ev.chatId,
      msgType: 'interactive',
      content: await welcome(ev.tenantKey, ev.operatorOpenId),
      uuid: safeJobId('welcome', ev.eventId).slice(0, 50),
    });
  }

  async function handle(ev: InboundEvent): Promise<CallbackAnswer | undefined> {
    switch (ev.type) {
      case 'message':
        await onMessage(ev);
        return undefined;
      case 'card_action': {
        const k = typeof ev.value.k === 'string' ? ev.value.k : '';
        const owner = features.find((f) => f.onAction && f.actionKinds?.includes(k));
        if (owner?.onAction) return owner.onAction(ev);
        return walkthrough.onCardAction(ev);
      }
      case 'p2p_entered':
        await onP2pEntered(ev);
        return undefined;
      case 'menu': {
        const { card } = await walkthrough.startOrResume(ev.tenantKey, ev.operatorOpenId);
        await sendCard(ev.operatorOpenId, card);
        return undefined;
      }
      case 'bot_added':
        for (const f of features) await f.onBotAdded?.(ev);
        await deps.port.sendMessage({ receiveIdType: 'chat_id', receiveId: ev.chatId, msgType: 'text', content: { text: TEXT.botAdded }, uuid: safeJobId('added', ev.eventId).slice(0, 50) });
        return undefined;
      case 'bot_removed':
      case 'unknown':
        return undefined;
    }
  }

  return {
    handle,
    async openWalkthrough(tenantKey, openId) {
      return (await walkthrough.startOrResume(tenantKey, openId)).card;
    },
    async process(name, data) {
      if (name === EVENT_JOB) {
        await replayEvent(delivery, data as InboundEvent, handle);
        return;
      }
      const owner = features.find((f) => f.process && f.jobNames?.includes(name));
      if (owner?.process) {
        await owner.process(name, data);
        return;
      }
      throw new Error(`unknown job ${name}`);
    },
    async persist(ev, o) {
      // Deterministic id from the dedupe key: the same event recorded twice (two instances) is one job.
      await deps.jobs.enqueue(EVENT_JOB, ev, { jobId: safeJobId(EVENT_JOB, dedupeKeyOf(ev)), delayMs: o.delayMs, attempts: 10, backoffMs: 2000 });
    },
  };
}
