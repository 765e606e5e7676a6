// The activity store against a real redis-server: idempotent inserts by record id, compare-and-set edits,
// tombstones that a re-delivered message cannot bring back, paging, years, settings and the owners set.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityRecord, Owner } from '../../src/activity/record.ts';
import { ActivityStore } from '../../src/store/activities.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let server: TestRedis;
let redis: Redis;
let store: ActivityStore;
const A: Owner = { tenant: 't1', openId: 'ou_a' };
const B: Owner = { tenant: 't1', openId: 'ou_b' };

function rec(msg: string, idx: number, date: string, extra: Partial<ActivityRecord> = {}): ActivityRecord {
  return {
    v: 1,
    id: `${msg}:${idx}`,
    msg,
    idx,
    date,
    kind: '支委会',
    attendees: null,
    allMembers: false,
    topic: null,
    hours: null,
    source: 'x',
    status: 'logged',
    rev: 0,
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  };
}

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  store = new ActivityStore(redis);
});

afterAll(async () => {
  redis?.disconnect();
  await server?.close();
});

describe('ActivityStore', () => {
  it('inserts once per id: a second insert returns what is stored, edits included', async () => {
    const first = await store.insertAll(A, [rec('om_1', 0, '2024-03-05'), rec('om_1', 2, '2024-03-12')]);
    expect(first.created).toBe(true);
    const edited = await store.update(A, 'om_1:0', (r) => ({ ...r, topic: '改过的' }), 2);
    expect(edited.ok).toBe(true);
    const again = await store.insertAll(A, [rec('om_1', 0, '2024-03-05'), rec('om_1', 2, '2024-03-12')]);
    expect(again.created).toBe(false);
    expect(again.records.map((r) => r.topic)).toEqual(['改过的', null]);
    expect((await store.recent(A, 0, 10)).total).toBe(2);
    // Another owner's log is separate.
    expect((await store.recent(B, 0, 10)).total).toBe(0);
    expect(await store.get(B, 'om_1:0')).toBeNull();
  });

  it('refuses an edit made from a stale rev, and reports a missing record', async () => {
    const cur = (await store.get(A, 'om_1:2'))!;
    const ok = await store.update(A, cur.id, (r) => ({ ...r, attendees: 10 }), 3, cur.rev);
    expect(ok).toMatchObject({ ok: true, record: { attendees: 10, rev: cur.rev + 1, updatedAt: 3 } });
    const stale = await store.update(A, cur.id, (r) => ({ ...r, attendees: 99 }), 4, cur.rev);
    expect(stale).toMatchObject({ ok: false, reason: 'conflict', record: { attendees: 10 } });
    expect(await store.update(A, 'om_none:0', (r) => r, 5)).toEqual({ ok: false, reason: 'missing' });
  });

  it('keeps a deleted record as a tombstone: out of lists and years, not re-created by a re-delivery', async () => {
    await store.update(A, 'om_1:2', (r) => ({ ...r, status: 'deleted' }), 6);
    expect((await store.recent(A, 0, 10)).records.map((r) => r.id)).toEqual(['om_1:0']);
    expect((await store.inYear(A, 2024)).map((r) => r.id)).toEqual(['om_1:0']);
    const again = await store.insertAll(A, [rec('om_1', 2, '2024-03-12')]);
    expect(again.created).toBe(false);
    expect(again.records[0]!.status).toBe('deleted');
    expect((await store.recent(A, 0, 10)).total).toBe(1);
  });

  it('pages newest first, moves a record when its date changes, and selects a year', async () => {
    const many = Array.from({ length: 12 }, (_, i) => rec('om_2', i, `2023-${String(i + 1).padStart(2, '0')}-15`));
    await store.insertAll(A, many);
    const p0 = await store.recent(A, 0, 5);
    expect(p0.total).toBe(13);
    expect(p0.records.map((r) => r.date)).toEqual(['2024-03-05', '2023-12-15', '2023-11-15', '2023-10-15', '2023-09-15']);
    const p2 = await store.recent(A, 10, 5);
    expect(p2.records.map((r) => r.date)).toEqual(['2023-03-15', '2023-02-15', '2023-01-15']);
    expect(await store.inYear(A, 2023)).toHaveLength(12);
    await store.update(A, 'om_2:0', (r) => ({ ...r, date: '2024-01-01' }), 7);
    expect(await store.inYear(A, 2023)).toHaveLength(11);
    expect((await store.inYear(A, 2024)).map((r) => r.date)).toEqual(['2024-01-01', '2024-03-05']);
  });

  it('keeps settings per owner and lists every owner who logged something', async () => {
    expect(await store.settings(A)).toEqual({ remindOff: false });
    await store.setMemberCount(A, 31);
    await store.setRemind(A, false);
    expect(await store.settings(A)).toEqual({ memberCount: 31, remindOff: true });
    expect(await store.settings(B)).toEqual({ remindOff: false });
    await store.insertAll({ tenant: '', openId: 'ou_c' }, [rec('om_3', 0, '2024-01-01')]);
    const owners = await store.owners();
    expect(owners).toEqual(expect.arrayContaining([A, { tenant: '', openId: 'ou_c' }]));
    expect(owners).toHaveLength(2);
  });
});
