// The long-connection side of the fake Open Platform (长连接; ../shared/feishu-reference.md §1.8, §7, Corrections),
// as the official node SDK's WSClient speaks it (@larksuiteoapi/node-sdk 1.74.0, ws-client/*):
// - POST /callback/ws/endpoint {AppID, AppSecret} → {code, msg, data: {URL, ClientConfig}}; codes as the SDK's
//   ErrorCode enum: 0 ok, 1 system busy, 403 forbidden, 514 auth failed, 1000040343 internal error (the only one
//   the SDK retries), 1000040350 connection limit exceeded (50 connections per app, §7).
// - a WebSocket at URL carrying protobuf frames pbbp2.Frame {SeqID, LogID, service, method (0 control, 1 data),
//   headers[{key,value}], payloadEncoding, payloadType, payload, LogIDNew}. Control: the client's `ping` is
//   answered with `pong` whose payload is the ClientConfig JSON. Data: `type` event|card, `message_id`, `sum`,
//   `seq` (a payload may come in several fragments), `trace_id`; the client answers with the same frame, its
//   headers plus `biz_rt`, and payload {code, data: base64(JSON)}.
// - each event goes to ONE random live connection (cluster delivery, not broadcast, §7); an event not acked with
//   code 200 within 3 s is a failed delivery (the pusher re-pushes events; callbacks are not re-pushed).
// Payloads over the long connection are neither signed nor encrypted and carry header.token "" (Corrections).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import protobuf from 'protobufjs';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Route } from './server.ts';
import type { World } from './world.ts';

export const WS_ENDPOINT_PATH = '/callback/ws/endpoint';
const WS_PATH = '/ws/v2';
/** §7: at most 50 connections per app. */
export const MAX_CONNECTIONS = 50;
/** The SDK's ErrorCode enum (ws-client/enum.ts). */
export const WS_CODES = { ok: 0, systemBusy: 1, forbidden: 403, authFailed: 514, internalError: 1000040343, exceedConnLimit: 1000040350 } as const;

// The schema of pbbp2.Frame / pbbp2.Header, field numbers as the SDK's generated encoder writes them.
const root = protobuf.Root.fromJSON({
  nested: {
    pbbp2: {
      nested: {
        Header: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Frame: {
          fields: {
            SeqID: { type: 'uint64', id: 1 },
            LogID: { type: 'uint64', id: 2 },
            service: { type: 'int32', id: 3 },
            method: { type: 'int32', id: 4 },
            headers: { rule: 'repeated', type: 'Header', id: 5 },
            payloadEncoding: { type: 'string', id: 6 },
            payloadType: { type: 'string', id: 7 },
            payload: { type: 'bytes', id: 8 },
            LogIDNew: { type: 'string', id: 9 },
          },
        },
      },
    },
  },
});
const FrameType = root.lookupType('pbbp2.Frame');

/** POST /callback/ws/endpoint (no tenant token: the app authenticates with its secret). Always HTTP 200. */
export function longConnectionRoute(lc: FakeLongConnection): Route {
  return {
    api: 'callback.ws.endpoint',
    method: 'POST',
    pattern: WS_ENDPOINT_PATH,
    auth: false,
    invalidCode: WS_CODES.systemBusy,
    handler: (req) => ({ body: lc.endpoint(req.body) }),
  };
}

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Array<{ key: string; value: string }>;
  payload?: Uint8Array;
}

export function encodeFrame(f: Frame): Uint8Array {
  return FrameType.encode(FrameType.fromObject(f)).finish();
}

export function decodeFrame(buf: Uint8Array): Frame {
  const o = FrameType.toObject(FrameType.decode(buf), { longs: Number, defaults: true }) as Frame;
  return o;
}

const headerOf = (f: Frame, key: string) => f.headers.find((h) => h.key === key)?.value;

/** The client settings the endpoint and every pong carry (seconds), as the SDK reads them. */
export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

export interface WsAnswer {
  status: number;
  body: string;
  ms: number;
  timedOut: boolean;
  error?: string;
}

interface Conn {
  id: string;
  socket: WebSocket;
  serviceId: number;
}

interface Pending {
  resolve: (a: WsAnswer) => void;
  started: number;
  timer: NodeJS.Timeout;
  connId: string;
}

export interface WsFaults {
  /** The next endpoint requests answer this code (e.g. 514, 1000040343). */
  refuseNext(code: number, times?: number): void;
  /** Closes every open connection (the SDK reconnects). */
  dropAll(): void;
}

export class FakeLongConnection implements WsFaults {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Map<string, Conn>();
  private readonly tickets = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private readonly refusals: Array<{ code: number; left: number }> = [];
  private seq = 1;
  /** The acks received, oldest first (the last 200): the frame type they carried and their code. */
  readonly acks: Array<{ type: string; code: number }> = [];
  /**
   * The frame type card callbacks travel in: 'event' is what the node SDK handles (Corrections); 'card' frames
   * exist too (the SDK's MessageType enum), and SDK 1.74.0 drops them without an ack.
   */
  cardFrameType: 'event' | 'card' = 'event';
  /** Split payloads larger than this into fragments (sum/seq headers). */
  fragmentBytes = 16 * 1024;
  clientConfig: ClientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 };

  constructor(
    private readonly world: World,
    private readonly baseUrl: () => string,
  ) {}

  get connections(): number {
    return this.conns.size;
  }

  refuseNext(code: number, times = 1): void {
    this.refusals.push({ code, left: times });
  }

  dropAll(): void {
    for (const c of this.conns.values()) c.socket.terminate();
  }

  /** POST /callback/ws/endpoint: authenticates the app and hands out a one-time connection URL. */
  endpoint(body: unknown): { code: number; msg: string; data: { URL?: string; ClientConfig?: ClientConfig } } {
    const r = this.refusals[0];
    if (r) {
      r.left -= 1;
      if (r.left <= 0) this.refusals.shift();
      return { code: r.code, msg: `injected refusal ${r.code}`, data: {} };
    }
    const b = (body ?? {}) as { AppID?: unknown; AppSecret?: unknown };
    const s = this.world.settings;
    // Errors carry an empty data object: the SDK destructures data.URL before it reads the code, so an answer
    // without data would read as a network failure (retried) rather than the refusal it is.
    if (b.AppID !== s.appId || b.AppSecret !== s.appSecret) return { code: WS_CODES.authFailed, msg: 'auth failed', data: {} };
    if (this.conns.size >= MAX_CONNECTIONS) return { code: WS_CODES.exceedConnLimit, msg: 'exceed connection limit', data: {} };
    const ticket = randomBytes(12).toString('hex');
    const serviceId = 33554678;
    this.tickets.set(ticket, serviceId);
    const ws = this.baseUrl().replace(/^http/, 'ws');
    const URL = `${ws}${WS_PATH}?fpid=493&aid=552564&device_id=${randomBytes(8).toString('hex')}&access_key=${randomBytes(8).toString('hex')}&service_id=${serviceId}&ticket=${ticket}`;
    return { code: WS_CODES.ok, msg: 'ok', data: { URL, ClientConfig: this.clientConfig } };
  }

  /** The HTTP server's 'upgrade' event: only a URL the endpoint handed out opens a connection. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const ticket = url.searchParams.get('ticket') ?? '';
    const serviceId = this.tickets.get(ticket);
    if (url.pathname !== WS_PATH || serviceId === undefined || this.conns.size >= MAX_CONNECTIONS) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    this.tickets.delete(ticket);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { id: randomBytes(6).toString('hex'), socket: ws, serviceId };
      this.conns.set(conn.id, conn);
      ws.on('message', (data: Buffer) => this.onFrame(conn, data));
      const gone = () => {
        this.conns.delete(conn.id);
        // Deliveries waiting on this connection fail now, as Feishu sees the socket close before the ack.
        for (const [id, p] of this.pending) {
          if (p.connId !== conn.id) continue;
          this.pending.delete(id);
          clearTimeout(p.timer);
          p.resolve({ status: 0, body: '', ms: performance.now() - p.started, timedOut: false, error: 'connection closed before the ack' });
        }
      };
      ws.on('close', gone);
      ws.on('error', gone);
    });
  }

  private onFrame(conn: Conn, data: Buffer): void {
    let f: Frame;
    try {
      f = decodeFrame(data);
    } catch {
      this.world.log.warn('fake feishu: undecodable long-connection frame');
      return;
    }
    const type = headerOf(f, 'type');
    if (f.method === 0) {
      if (type === 'ping') {
        conn.socket.send(
          encodeFrame({
            SeqID: 0,
            LogID: 0,
            service: conn.serviceId,
            method: 0,
            headers: [{ key: 'type', value: 'pong' }],
            payload: Buffer.from(JSON.stringify(this.clientConfig)),
          }),
        );
      }
      return;
    }
    // A data frame from the client is the ack of one we sent: same message_id.
    const id = headerOf(f, 'message_id') ?? '';
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    const ms = performance.now() - p.started;
    let ack: { code?: unknown; data?: unknown } = {};
    try {
      ack = JSON.parse(Buffer.from(f.payload ?? []).toString('utf8')) as typeof ack;
    } catch {
      p.resolve({ status: 0, body: '', ms, timedOut: false, error: 'ack payload is not JSON' });
      return;
    }
    const body = typeof ack.data === 'string' ? Buffer.from(ack.data, 'base64').toString('utf8') : '';
    this.acks.push({ type: type ?? '', code: typeof ack.code === 'number' ? ack.code : -1 });
    if (this.acks.length > 200) this.acks.shift();
    p.resolve({ status: typeof ack.code === 'number' ? ack.code : 0, body, ms, timedOut: false });
  }

  /**
   * Delivers one payload (event or callback JSON) to one random live connection, as `type` event or card
   * frames, fragmented when large, and waits for the ack (at most timeoutMs).
   */
  deliver(json: string, o: { timeoutMs: number; frameType?: 'event' | 'card' }): Promise<WsAnswer> {
    const live = [...this.conns.values()].filter((c) => c.socket.readyState === c.socket.OPEN);
    if (live.length === 0) return Promise.resolve({ status: 0, body: '', ms: 0, timedOut: false, error: 'no long connection is open' });
    const conn = live[Math.floor(Math.random() * live.length)]!;
    const messageId = randomBytes(16).toString('hex');
    const traceId = randomBytes(8).toString('hex');
    const bytes = Buffer.from(json, 'utf8');
    const parts: Buffer[] = [];
    for (let at = 0; at < bytes.length || parts.length === 0; at += this.fragmentBytes) parts.push(bytes.subarray(at, at + this.fragmentBytes));
    return new Promise<WsAnswer>((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        this.pending.delete(messageId);
        resolve({ status: 0, body: '', ms: performance.now() - started, timedOut: true, error: `no ack within ${o.timeoutMs} ms` });
      }, o.timeoutMs);
      this.pending.set(messageId, { resolve, started, timer, connId: conn.id });
      const seqId = this.seq++;
      parts.forEach((part, i) => {
        conn.socket.send(
          encodeFrame({
            SeqID: seqId,
            LogID: seqId,
            service: conn.serviceId,
            method: 1,
            headers: [
              { key: 'type', value: o.frameType ?? 'event' },
              { key: 'message_id', value: messageId },
              { key: 'sum', value: String(parts.length) },
              { key: 'seq', value: String(i) },
              { key: 'trace_id', value: traceId },
            ],
            payload: part,
          }),
        );
      });
    });
  }

  close(): void {
    for (const c of this.conns.values()) c.socket.terminate();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.wss.close();
  }
}
