// Long-connection mode (长连接; ../shared/feishu-reference.md §1.8, §7, Corrections): the bot opens the SDK's
// WSClient itself, so no public URL is needed. Every event and card callback that arrives goes through
// receive.ts — the same InboundEvent union, dedupe, router and deadline as the webhook — and its answer travels
// back in the SDK's ack ({code: 200, data: base64(JSON)}); a non-200 outcome is acked with code 500, which makes
// Feishu re-push the event, as a 5xx does for the webhook.
//
// Two things the SDK (1.74.0) does not do, added here without forking it:
// - card callbacks that arrive as `type=card` frames are dropped by WSClient.handleEventData without an ack (the
//   user then sees 200340/200341). The adapter hands such frames to the SDK's own handler as `type=event` frames,
//   and puts `type=card` back on the ack it sends.
// - the SDK treats most endpoint errors (1 system busy, 403, 514 auth failed, 1000040350 connection limit) as
//   fatal and stops for good. The supervisor restarts the client with capped backoff, and logs each state change
//   with the reason and the setting to check.
// Payloads are neither signed nor encrypted here and carry header.token "": no verification-token check applies.
import * as lark from '@larksuiteoapi/node-sdk';
import { answerOf, type Receive, type ReceiveLog } from './receive.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface LongConnectionLogger extends ReceiveLog {
  info(o: object, msg?: string): void;
}

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  /** Open API base (https://open.feishu.cn, or the fake's URL). */
  domain: string;
  receive: Receive;
  logger: LongConnectionLogger;
  onState?: (state: ConnectionState) => void;
  /** Backoff of restarts after a fatal stop: first wait and cap (ms). Defaults 1000 and 60 000. */
  backoffMs?: { first: number; max: number };
}

export interface LongConnection {
  state(): ConnectionState;
  /** Why the bot cannot receive now, for /healthz; undefined while connected. */
  unhealthy(): string | undefined;
  close(): Promise<void>;
}

/** What to check for an endpoint code that stopped the SDK (the SDK's ErrorCode enum, ws-client/enum.ts). */
export function adviceFor(code: number | undefined): string {
  switch (code) {
    case 514:
      return '应用凭证无效：请检查 FEISHU_APP_ID 和 FEISHU_APP_SECRET（开发者后台 → 凭证与基础信息）';
    case 403:
      return '长连接被拒绝：请在开发者后台 → 事件与回调 → 订阅方式中选择“使用长连接接收事件/回调”，并确认应用已发布';
    case 1000040350:
      return '长连接数已达上限（每个应用最多 50 个）：请减少同时运行的实例，或等待旧连接断开';
    case 1:
      return '飞书服务繁忙，稍后自动重试';
    default:
      return '请检查网络能否访问 FEISHU_DOMAIN，以及应用是否开启了长连接';
  }
}

interface SdkFrame {
  headers: Array<{ key: string; value: string }>;
  method: number;
  [k: string]: unknown;
}

/** The two WSClient methods the adapter wraps (private in the SDK's types, stable in its source since 1.36). */
interface WsClientInternals {
  handleEventData(frame: SdkFrame): Promise<void>;
  sendMessage(frame: SdkFrame): void;
}

const headerValue = (f: SdkFrame, key: string) => f.headers.find((h) => h.key === key)?.value;
const withType = (f: SdkFrame, type: string): SdkFrame => ({
  ...f,
  headers: f.headers.map((h) => (h.key === 'type' ? { key: 'type', value: type } : h)),
});

/**
 * Makes a WSClient handle `type=card` frames like event frames and ack them as card frames. Exported for its
 * unit test; used by startLongConnection.
 */
export function acceptCardFrames(client: lark.WSClient): void {
  const c = client as unknown as WsClientInternals;
  const handle = c.handleEventData.bind(client);
  const send = c.sendMessage.bind(client);
  const cardIds = new Set<string>();
  c.handleEventData = (frame) => {
    if (headerValue(frame, 'type') !== 'card') return handle(frame);
    const id = headerValue(frame, 'message_id');
    if (id) cardIds.add(id);
    return handle(withType(frame, 'event'));
  };
  c.sendMessage = (frame) => {
    const id = frame.method === 1 ? headerValue(frame, 'message_id') : undefined;
    if (id && cardIds.delete(id)) return send(withType(frame, 'card'));
    return send(frame);
  };
}

const CODE_RE = /code=(-?\d+)/;

export function startLongConnection(o: LongConnectionOptions): LongConnection {
  const first = o.backoffMs?.first ?? 1000;
  const max = o.backoffMs?.max ?? 60_000;
  let state: ConnectionState = 'connecting';
  let reason = '正在建立长连接';
  let client: lark.WSClient | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;

  const setState = (next: ConnectionState, why: string, fields: Record<string, unknown> = {}) => {
    if (next === state && why === reason) return;
    state = next;
    reason = why;
    o.onState?.(next);
    const line = { state: next, reason: why, ...fields };
    if (next === 'failed') o.logger.error(line, 'Feishu long connection stopped');
    else if (next === 'reconnecting') o.logger.warn(line, 'Feishu long connection lost; reconnecting');
    else o.logger.info(line, `Feishu long connection ${next}`);
  };

  // The SDK's own log lines: warnings and errors only (its debug lines carry event payloads: never logged).
  const sdkLog = (level: 'warn' | 'error') => (...args: unknown[]) => {
    o.logger[level]({ sdk: args.filter((a) => typeof a === 'string').join(' ').slice(0, 300) }, 'Feishu SDK (long connection)');
  };
  const logger = { error: sdkLog('error'), warn: sdkLog('warn'), info: () => undefined, debug: () => undefined, trace: () => undefined };

  // The dispatcher the SDK invokes with each (merged) payload; its return value is the ack's data.
  const dispatcher = {
    invoke: async (data: unknown) => {
      const body = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
      const r = await o.receive(body, o.logger);
      if (r.status !== 200) throw new Error(`not done (${r.status}): Feishu re-pushes it`);
      return answerOf(r);
    },
  } as unknown as lark.EventDispatcher;

  const scheduleRestart = (why: string, code: number | undefined) => {
    if (closed) return;
    failures++;
    const wait = Math.min(max, first * 2 ** Math.min(failures - 1, 16));
    setState('failed', why, { code, retryInMs: wait, check: adviceFor(code) });
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      open();
    }, wait);
    restartTimer.unref();
  };

  function open(): void {
    if (closed) return;
    client?.close({ force: true });
    const c = new lark.WSClient({
      appId: o.appId,
      appSecret: o.appSecret,
      domain: o.domain,
      loggerLevel: lark.LoggerLevel.warn,
      logger,
      autoReconnect: true,
      handshakeTimeoutMs: 10_000,
      onReady: () => {
        failures = 0;
        setState('connected', '长连接已建立');
      },
      onReconnecting: () => setState('reconnecting', '连接中断，正在重连'),
      onReconnected: () => {
        failures = 0;
        setState('connected', '长连接已恢复');
      },
      onError: (err: Error) => {
        const m = CODE_RE.exec(err.message);
        scheduleRestart(err.message.slice(0, 200), m ? Number(m[1]) : undefined);
      },
    });
    acceptCardFrames(c);
    client = c;
    void c.start({ eventDispatcher: dispatcher });
  }

  open();
  return {
    state: () => state,
    unhealthy: () => (state === 'connected' ? undefined : `long connection ${state}: ${reason}`),
    async close() {
      closed = true;
      if (restartTimer) clearTimeout(restartTimer);
      client?.close();
      setState('closed', '已关闭');
    },
  };
}
