// Background and delayed work through BullMQ. Job ids are deterministic, so that enqueueing the same work
// twice (a retry, a second instance) is ignored by BullMQ.
import { Queue, Worker, type Job } from 'bullmq';
import { createQueueRedis, type RedisTarget } from '../store/redis.ts';

export const QUEUE_NAME = 'shuzhi';

export interface JobOptions {
  /** Deterministic id: the same id twice is one job. Must not contain ':'. */
  jobId: string;
  delayMs?: number;
  attempts?: number;
  backoffMs?: number;
}

export type JobProcessor = (name: string, data: unknown, job: Job) => Promise<void>;

export interface Jobs {
  enqueue(name: string, data: unknown, o: JobOptions): Promise<void>;
  remove(jobId: string): Promise<void>;
  depth(): Promise<Record<string, number>>;
  close(): Promise<void>;
  queue: Queue;
}

const CLOSE_GRACE_MS = 5000;

/** True when the promise settled within ms, false when it did not (it is left to settle on its own). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  const r = await Promise.race([p.then(() => true, () => true), late]);
  clearTimeout(timer);
  return r;
}

export function safeJobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_.-]/g, '_')).join('-');
}

export function createJobs(o: {
  /** A URL or a Sentinel target (store/redis.ts). */
  redisUrl: RedisTarget;
  processor?: JobProcessor;
  concurrency?: number;
  logger?: { error(o: object, m: string): void };
  /** Connection errors of the queue and the worker (Redis down): counted by the outage tracker, not logged each. */
  onConnectionError?: (source: string, err: Error) => void;
  prefix?: string;
}): Jobs {
  const connection = createQueueRedis(o.redisUrl);
  const prefix = o.prefix ?? 'shuzhi:bull';
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  let worker: Worker | undefined;
  let workerConnection: ReturnType<typeof createQueueRedis> | undefined;
  if (o.processor) {
    const processor = o.processor;
    workerConnection = createQueueRedis(o.redisUrl);
    worker = new Worker(QUEUE_NAME, async (job) => processor(job.name, job.data, job), {
      connection: workerConnection,
      prefix,
      concurrency: o.concurrency ?? 8,
      // A job whose worker died is taken over by another within ~10 s (BullMQ's defaults: 30 s + 30 s): the
      // lock lapses 10 s after its last renewal (renewed every 5 s while the worker lives, so a live worker's
      // long job is never taken twice), and stalled jobs are looked for every 5 s.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 2,
    });
    worker.on('failed', (job, err) => o.logger?.error({ jobId: job?.id, name: job?.name, err: err.message }, 'job failed'));
    worker.on('error', (err) => (o.onConnectionError ? o.onConnectionError('worker', err) : o.logger?.error({ err: err.message }, 'worker error')));
  }
  queue.on('error', (err) => (o.onConnectionError ? o.onConnectionError('queue', err) : o.logger?.error({ err: err.message }, 'queue error')));
  return {
    queue,
    async enqueue(name, data, jo) {
      await queue.add(name, data, {
        jobId: jo.jobId,
        delay: jo.delayMs,
        attempts: jo.attempts ?? 5,
        backoff: { type: 'exponential', delay: jo.backoffMs ?? 2000 },
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    },
    async remove(jobId) {
      await queue.remove(jobId);
    },
    async depth() {
      const c = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
      return { [QUEUE_NAME]: (c.waiting ?? 0) + (c.delayed ?? 0) };
    },
    async close() {
      // Graceful first (active jobs finish); a worker that does not close within CLOSE_GRACE_MS is closed by
      // force: an idle worker whose blocking connection followed a Sentinel failover never resolved close()
      // (test/integration/sentinel.test.ts), which would keep a stopping process alive for ever.
      if (worker && (await settlesWithin(worker.close(), CLOSE_GRACE_MS)) === false) {
        o.logger?.error({}, 'job worker did not stop within 5 s: closed by force (its active jobs are retried by BullMQ)');
        void worker.close(true).catch(() => undefined);
      }
      await settlesWithin(queue.close(), CLOSE_GRACE_MS);
      workerConnection?.disconnect();
      connection.disconnect();
    },
  };
}
