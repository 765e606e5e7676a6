// HTTP plumbing of the fake Open Platform: a small router on node:http, the bearer-token check, fault
// injection, and the record of every call. Routes are plain objects declared by im.ts and docx.ts.
import type { Duplex } from 'node:stream';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ApiError, badRequest } from './errors.ts';
import { newId } from './ids.ts';
import type { FailSpec, RandomFailSpec, RecordedCall } from './types.ts';
import type { World } from './world.ts';

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** Parsed JSON body (undefined when the body was empty); for multipart routes undefined. */
  body: unknown;
  /** What to store in RecordedCall.body; a route may replace it (e.g. a multipart summary). */
  recordBody: unknown;
}

export interface ApiReply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Binary answer (file download); `body` is ignored when set. */
  binary?: { data: Buffer; contentType: string };
}

export interface Route {
  api: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  pattern: string;
  /** Needs `Authorization: Bearer t-…`. */
  auth: boolean;
  /** How the body is read: JSON (default) or left raw for the route (multipart). */
  bodyKind?: 'json' | 'raw';
  /** The API family's "invalid parameter" code, used for malformed JSON. */
  invalidCode: number;
  handler(req: ApiRequest): ApiReply | Promise<ApiReply>;
}

interface CompiledRoute extends Route {
  re: RegExp;
  keys: string[];
}

const MAX_BODY = 64 * 1024 * 1024;

function compile(r: Route): CompiledRoute {
  const keys: string[] = [];
  const src = r.pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...r, re: new RegExp(`^${src}$`), keys };
}

/** Validates `value` with a zod schema; a failure is Feishu's HTTP 400 with the family's param code. */
export function check<S extends z.ZodType>(schema: S, value: unknown, code: number, what = 'request'): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : what;
  throw badRequest(code, `invalid param: ${where}: ${issue?.message ?? 'invalid'}`);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 99991400, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class FakeHttp {
  readonly calls: RecordedCall[] = [];
  private readonly routes: CompiledRoute[];
  private readonly faults = new Map<string, Array<FailSpec & { left: number }>>();
  private readonly delays = new Map<string, Array<{ ms: number; left: number }>>();
  private random?: { until: number; rate: number; statuses: number[]; apis?: Set<string>; next: () => number };
  private server?: Server;

  constructor(
    private readonly world: World,
    routes: Route[],
  ) {
    this.routes = routes.map(compile);
  }

  failNext(api: string, f: FailSpec): void {
    const list = this.faults.get(api) ?? [];
    list.push({ ...f, left: f.times ?? 1 });
    this.faults.set(api, list);
  }

  /** The next `times` calls to `api` are answered `ms` later (a slow Feishu: load, a 429 wait upstream). */
  slowNext(api: string, ms: number, times = 1): void {
    const list = this.delays.get(api) ?? [];
    list.push({ ms, left: times });
    this.delays.set(api, list);
  }

  /**
   * For `forMs` of real time, each call is answered with an error at probability `rate`, before it is processed:
   * 429 as the gateway's rate limit (99991400, reset header), 500 as a JSON error, 502/503/504 as a proxy's HTML
   * page. Seeded, so that a run can be repeated.
   */
  failRandomly(o: RandomFailSpec): void {
    // xorshift32: enough for picking failures, and repeatable.
    let x = (o.seed ?? 1) >>> 0 || 1;
    const next = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 4294967296;
    };
    this.random = {
      until: performance.now() + o.forMs,
      rate: o.rate,
      statuses: o.statuses ?? [429, 500, 502, 503],
      ...(o.apis ? { apis: new Set(o.apis) } : {}),
      next,
    };
  }

  private randomFault(api: string): ApiReply | undefined {
    const r = this.random;
    if (!r) return undefined;
    if (performance.now() > r.until) {
      this.random = undefined;
      return undefined;
    }
    if (r.apis && !r.apis.has(api)) return undefined;
    if (r.next() >= r.rate) return undefined;
    const status = r.statuses[Math.floor(r.next() * r.statuses.length)] ?? 500;
    if (status === 429) {
      return {
        status,
        body: { code: 99991400, msg: 'request trigger frequency limit' },
        headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' },
      };
    }
    if (status === 500) return { status, body: { code: 500, msg: 'internal server error (injected)' } };
    const html = `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center></body></html>`;
    return { status, body: undefined, binary: { data: Buffer.from(html), contentType: 'text/html' } };
  }

  private async injectDelay(api: string): Promise<void> {
    const list = this.delays.get(api);
    const d = list?.[0];
    if (!list || !d) return;
    d.left -= 1;
    if (d.left <= 0) list.shift();
    await new Promise((r) => setTimeout(r, d.ms));
  }

  /** Called for HTTP upgrades (the long connection's WebSocket). */
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

  async listen(host: string, port: number): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        this.world.log.warn('fake feishu: handler crashed', e);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        }
        res.end(JSON.stringify({ code: 500, msg: 'internal error of the fake' }));
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (this.onUpgrade) this.onUpgrade(req, socket, head);
      else socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address();
    if (!addr || typeof addr !== 'object') throw new Error('fake feishu: no address');
    const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${h}:${addr.port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const path = url.pathname;

    let route: CompiledRoute | undefined;
    let params: Record<string, string> = {};
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.re.exec(path);
      if (!m) continue;
      route = r;
      params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1] ?? '')]));
      break;
    }

    const call: RecordedCall = {
      api: route?.api ?? 'unknown',
      method,
      path,
      query,
      body: undefined,
      status: 0,
      code: 0,
      at: this.world.now(),
    };
    this.calls.push(call);

    let reply: ApiReply;
    try {
      const raw = await readBody(req);
      const apiReq: ApiRequest = {
        method,
        path,
        params,
        query,
        headers: req.headers,
        raw,
        body: undefined,
        recordBody: undefined,
      };
      if (route && (route.bodyKind ?? 'json') === 'json' && raw.length > 0) {
        try {
          apiReq.body = JSON.parse(raw.toString('utf8'));
        } catch {
          apiReq.recordBody = raw.toString('utf8').slice(0, 2000);
          call.body = apiReq.recordBody;
          throw badRequest(route.invalidCode, 'invalid request body: not JSON');
        }
        apiReq.recordBody = apiReq.body;
      }
      try {
        if (!route) throw new ApiError(404, 404, `404 page not found: ${method} ${path}`);
        await this.injectDelay(route.api);
        // A caller that went away while Feishu was slow (its process was killed): the request is dropped
        // unprocessed, as a request cut off before it was fully received would be.
        if (req.socket.destroyed) {
          call.code = -1;
          return;
        }
        this.injectFault(route.api);
        const random = this.randomFault(route.api);
        if (random) {
          call.injected = true;
          reply = random;
        } else {
          if (route.auth) this.authorize(req.headers);
          reply = await route.handler(apiReq);
        }
      } finally {
        call.body = apiReq.recordBody;
      }
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      reply = { status: e.status, body: { code: e.code, msg: e.message }, headers: e.headers };
    }

    const status = reply.status ?? 200;
    call.status = status;
    const b = reply.body as { code?: unknown } | undefined;
    call.code = typeof b?.code === 'number' ? b.code : 0;
    const headers: Record<string, string> = { 'x-tt-logid': newId.logId(), ...(reply.headers ?? {}) };
    if (reply.binary) {
      res.writeHead(status, {
        ...headers,
        'content-type': reply.binary.contentType,
        'content-length': String(reply.binary.data.length),
      });
      res.end(reply.binary.data);
      return;
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  }

  private injectFault(api: string): void {
    const list = this.faults.get(api);
    const f = list?.[0];
    if (!list || !f) return;
    f.left -= 1;
    if (f.left <= 0) list.shift();
    throw new ApiError(f.status, f.code, f.msg ?? `injected failure ${f.code}`, f.headers ?? {});
  }

  /** Bearer tenant token check (reference §1.3, §5.6). */
  private authorize(headers: IncomingHttpHeaders): void {
    const h = headers.authorization;
    if (typeof h !== 'string' || !h.startsWith('Bearer ') || h.length <= 'Bearer '.length) {
      throw badRequest(99991661, 'Missing access token for authorization. Please make a request with token attached.');
    }
    const token = h.slice('Bearer '.length).trim();
    if (!token.startsWith('t-') && !token.startsWith('u-')) {
      throw badRequest(99991671, 'Invalid token: token should start with "t-" or "u-".');
    }
    const t = this.world.tokens.get(token);
    if (!t?.valid || t.expiresAt <= this.world.now()) {
      throw badRequest(99991663, 'Invalid access token for authorization. Please make a request with token attached.');
    }
  }
}
