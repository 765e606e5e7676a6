// The load balancer of a chaos run over the webhook: Feishu posts to one request URL, and behind it this proxy
// hands each request to the next live bot instance in turn (round robin). Like nginx's defaults for a POST: a
// connection refused (an instance that is down) is tried on the next instance; a request cut off once it was
// sent (an instance killed while handling it) is answered 502 and not retried, since it may have been processed.
import { createServer, type IncomingMessage, request, type Server } from 'node:http';

export interface BalancerStats {
  forwarded: number;
  /** Tried again on another instance after a refused connection. */
  retried: number;
  /** Answered 502 by the balancer itself (no live instance, or the instance died mid-request). */
  badGateway: number;
  /** Requests Feishu stopped waiting for (its timeout) before the instance answered. */
  abandoned: number;
}

export class Balancer {
  readonly stats: BalancerStats = { forwarded: 0, retried: 0, badGateway: 0, abandoned: 0 };
  private pool: string[] = [];
  private turn = 0;
  private server?: Server;
  url = '';

  /** Adds an instance (its base URL) to the rotation. */
  add(base: string): void {
    if (!this.pool.includes(base)) this.pool.push(base);
  }

  /** Takes an instance out of the rotation (a health check that failed). */
  remove(base: string): void {
    this.pool = this.pool.filter((b) => b !== base);
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const tried = new Set<string>();
        const fail = () => {
          if (res.destroyed) {
            this.stats.abandoned += 1;
            return;
          }
          this.stats.badGateway += 1;
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
          res.end('bad gateway');
        };
        const attempt = () => {
          const live = this.pool.filter((b) => !tried.has(b));
          if (live.length === 0) return fail();
          const base = live[this.turn++ % live.length]!;
          tried.add(base);
          let answered = false;
          const up = request(`${base}${req.url ?? '/'}`, { method: req.method, headers: forwardHeaders(req, body.length), agent: false }, (r) => {
            answered = true;
            this.stats.forwarded += 1;
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          });
          up.on('error', (e: NodeJS.ErrnoException) => {
            if (answered) return res.destroy();
            if (e.code === 'ECONNREFUSED') {
              this.stats.retried += 1;
              return attempt();
            }
            fail();
          });
          // Feishu gave up waiting (its timeout): drop the upstream request too.
          res.on('close', () => {
            if (!res.writableFinished) up.destroy();
          });
          up.end(body);
        };
        attempt();
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    if (!a || typeof a !== 'object') throw new Error('balancer: no address');
    this.url = `http://127.0.0.1:${a.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    });
  }
}

function forwardHeaders(req: IncomingMessage, length: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'host' || k === 'connection' || k === 'content-length') continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  out['content-length'] = String(length);
  return out;
}
