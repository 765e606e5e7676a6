// What a chaos run must end with, checked from the outside: the fake's chats and documents (what people saw)
// and the bot's Redis (what it kept). Each check is a table row; a row with ok=false fails the run.
import { writeFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { defaultTenantKey } from '../../src/playground/fake/ids.ts';
import { type FakeFeishu, type FakeMessage, textOfDocument } from '../../src/playground/fake/index.ts';
import { treeOf } from '../../src/publish/publisher.ts';
import { renderText } from '../../src/report/render-text.ts';
import { ActivityStore } from '../../src/store/activities.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import type { BalancerStats } from './balancer.ts';
import { type GroupPlan, type OwnerOutcome, type SecretaryOutcome, type SecretaryPlan, typedAnswers } from './people.ts';

export interface Row {
  check: string;
  expected: string;
  observed: string;
  /** null: a figure shown for information. */
  ok: boolean | null;
}

export interface RunFacts {
  /** Every problem found, one a line (the table shows the first ones). */
  notesFile?: string;
  fake: FakeFeishu;
  redis: Redis;
  appId: string;
  plans: SecretaryPlan[];
  outcomes: SecretaryOutcome[];
  groups: GroupPlan[];
  owners: OwnerOutcome[];
  /** When Redis was down, on the fake's clock (deliveries carry that clock). */
  outages: Array<{ from: number; to: number }>;
  balancer?: BalancerStats;
  /** Bot processes that exited on their own: "slot 0 pid 123: code 1". */
  crashes: string[];
  redisKills: number;
  botKills: number;
  redeliverFailed: number;
}

const titleOf = (m: FakeMessage): string => {
  const h = (m.content as { header?: { title?: { content?: unknown } } } | undefined)?.header?.title?.content;
  return typeof h === 'string' ? h : '';
};
const fromBot = (m: FakeMessage) => m.sender.type === 'app';
const occurrences = (text: string, part: string) => text.split(part).length - 1;

export async function verify(f: RunFacts): Promise<Row[]> {
  const rows: Row[] = [];
  const tenant = defaultTenantKey(f.appId);
  const sessions = new SessionStore(f.redis);
  const activities = new ActivityStore(f.redis);
  const docs = f.fake.documents();
  const problems: string[] = [];
  const note = (s: string) => {
    problems.push(s);
  };

  // --- answers and documents -------------------------------------------------------------------------
  let typed = 0;
  let once = 0;
  let lost = 0;
  let doubled = 0;
  let withOneDoc = 0;
  let complete = 0;
  let linked = 0;
  const reportTitles = new Set<string>();
  const completeBySecretary = new Map<string, boolean>();
  for (const p of f.plans) {
    const answers = typedAnswers(p);
    typed += answers.length;
    const cur = await sessions.current(tenant, p.openId);
    const session = cur && 'session' in cur ? cur.session : undefined;
    const tree = session ? treeOf(session) : null;
    if (!tree) {
      lost += answers.length;
      note(`${p.openId}: no report session`);
      continue;
    }
    reportTitles.add(tree.title);
    const mine = docs.filter((d) => d.title === tree.title);
    if (mine.length === 1) withOneDoc += 1;
    else note(`${p.openId}: ${mine.length} documents titled ${tree.title}`);
    const doc = mine[0];
    const lines = doc ? textOfDocument(doc) : [];
    const text = lines.join('\n');
    for (const a of answers) {
      const n = occurrences(text, a);
      if (n === 1) once += 1;
      else if (n === 0) {
        lost += 1;
        note(`${p.openId}: answer not in the report: ${a.slice(0, 30)}`);
      } else {
        doubled += 1;
        note(`${p.openId}: answer ${n} times in the report: ${a.slice(0, 30)}`);
      }
    }
    const expected = renderText(tree)
      .split('\n')
      .filter((l) => l !== '')
      .slice(1);
    const isComplete = doc !== undefined && JSON.stringify(lines) === JSON.stringify(expected);
    completeBySecretary.set(p.openId, isComplete);
    if (isComplete) complete += 1;
    else if (doc) note(`${p.openId}: document ${doc.documentId} differs from the report (${lines.length} lines, ${expected.length} expected)`);
    const o = f.outcomes.find((x) => x.openId === p.openId);
    const result = o?.cardId ? f.fake.message(o.cardId) : undefined;
    if (doc && result && JSON.stringify(result.content).includes(`/docx/${doc.documentId}`)) linked += 1;
    else note(`${p.openId}: no result card linking its document`);
  }
  const strayDocs = docs.filter((d) => !reportTitles.has(d.title)).length;
  rows.push({ check: 'answers typed → in the final reports', expected: `${typed} once each`, observed: `${once} once, ${lost} lost, ${doubled} doubled`, ok: once === typed });
  rows.push({
    check: 'documents (one per report, complete)',
    expected: `${f.plans.length} × 1, complete`,
    observed: `${withOneDoc} with exactly one, ${complete} complete, ${strayDocs} stray, ${linked} linked from the result card`,
    ok: withOneDoc === f.plans.length && complete === f.plans.length && strayDocs === 0 && linked === f.plans.length,
  });

  // --- activities --------------------------------------------------------------------------------------
  let sent = 0;
  let recorded = 0;
  let actLost = 0;
  let actDoubled = 0;
  let confirmations = 0;
  let confirmDup = 0;
  for (const o of f.outcomes) {
    const owner = { tenant, openId: o.openId };
    const { records } = await activities.recent(owner, 0, 100_000);
    const chat = f.fake.messages(f.fake.p2pChatOf(o.openId));
    for (const a of o.activityMessages) {
      sent += 1;
      const n = records.filter((r) => r.msg === a.messageId).length;
      if (n === 1) recorded += 1;
      else if (n === 0) {
        actLost += 1;
        note(`${o.openId}: activity not recorded: ${a.text}`);
      } else {
        actDoubled += 1;
        note(`${o.openId}: activity recorded ${n} times: ${a.text}`);
      }
      const replies = chat.filter((m) => fromBot(m) && m.parentId === a.messageId).length;
      if (replies === 1) confirmations += 1;
      else if (replies > 1) confirmDup += 1;
      else note(`${o.openId}: no confirmation card for: ${a.text}`);
    }
    const foreign = records.filter((r) => !o.activityMessages.some((a) => a.messageId === r.msg)).length;
    if (foreign > 0) {
      actDoubled += foreign;
      note(`${o.openId}: ${foreign} records from no message of theirs`);
    }
  }
  rows.push({
    check: 'activities (none lost, none doubled)',
    expected: `${sent} recorded once, ${sent} confirmed once`,
    observed: `${recorded} once, ${actLost} lost, ${actDoubled} doubled; ${confirmations} confirmation cards, ${confirmDup} twice`,
    ok: recorded === sent && actLost === 0 && actDoubled === 0 && confirmations === sent && confirmDup === 0,
  });

  // --- messages: nothing sent twice ---------------------------------------------------------------------
  const chats = new Set<string>();
  for (const g of f.groups) chats.add(g.chatId);
  for (const p of f.plans) chats.add(f.fake.p2pChatOf(p.openId));
  for (const g of f.groups) for (const id of [g.owner, ...g.members]) chats.add(f.fake.p2pChatOf(id));
  let botMessages = 0;
  let twice = 0;
  for (const chatId of chats) {
    const seen = new Map<string, number>();
    let walk = 0;
    for (const m of f.fake.messages(chatId)) {
      if (!fromBot(m)) continue;
      botMessages += 1;
      if (!m.parentId && /^述职报告 · /.test(titleOf(m))) {
        walk += 1;
        continue;
      }
      const key = `${m.parentId ?? ''}|${m.msgType}|${JSON.stringify(m.content)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    for (const [key, n] of seen) {
      if (n > 1) {
        twice += n - 1;
        note(`${chatId}: a message sent ${n} times: ${key.slice(0, 80)}`);
      }
    }
    const o = f.outcomes.find((x) => f.fake.p2pChatOf(x.openId) === chatId);
    if (o && walk > o.entryMessages) {
      twice += walk - o.entryMessages;
      note(`${chatId}: ${walk} walk-through cards for ${o.entryMessages} messages asking for one`);
    }
  }
  rows.push({ check: 'messages (none twice)', expected: '0 sent twice', observed: `${botMessages} bot messages, ${twice} sent twice`, ok: twice === 0 });

  // --- deadlines and nudges -----------------------------------------------------------------------------
  const countIn = (chatId: string, title: (t: string) => boolean) => f.fake.messages(chatId).filter((m) => fromBot(m) && title(titleOf(m))).length;
  const tally = { announce: 0, group: 0, private: 0, summary: 0, list: 0 };
  const wrong = { announce: 0, group: 0, private: 0, summary: 0, list: 0 };
  let expectedPrivate = 0;
  for (const g of f.groups) {
    const checks: Array<[keyof typeof tally, number]> = [
      ['announce', countIn(g.chatId, (t) => t.startsWith('述职报告截止时间已'))],
      ['group', countIn(g.chatId, (t) => t === '述职报告今日截止' || t === '述职报告截止提醒')],
      ['summary', countIn(g.chatId, (t) => t === '述职报告已截止')],
      ['list', countIn(f.fake.p2pChatOf(g.owner), (t) => t === '述职报告收取结果')],
    ];
    for (const [k, n] of checks) {
      if (n === 1) tally[k] += 1;
      else {
        wrong[k] += 1;
        note(`${g.chatId}: ${k} sent ${n} times`);
      }
    }
    if (checks.some(([, n]) => n !== 1)) {
      const seen = f.fake.messages(g.chatId).map((m) => `${new Date(m.createTime).toISOString().slice(11, 19)} ${m.sender.type === 'app' ? titleOf(m) || m.msgType : 'user'}`);
      note(`${g.chatId}: the group saw ${seen.join(' | ')}; the owner: ${f.owners.find((o) => o.chatId === g.chatId)?.trace.join(' | ') ?? ''}`);
    }
    for (const id of g.members) {
      expectedPrivate += 1;
      const n = f.fake
        .messages(f.fake.p2pChatOf(id))
        .filter((m) => fromBot(m) && titleOf(m) === '述职报告填写提醒' && JSON.stringify(m.content).includes(g.name)).length;
      if (n === 1) tally.private += 1;
      else {
        wrong.private += 1;
        const at = (m: FakeMessage | undefined) => (m ? new Date(m.createTime).toISOString().slice(11, 19) : '-');
        const groupNudge = f.fake.messages(g.chatId).find((m) => fromBot(m) && /^述职报告(今日截止|截止提醒)$/.test(titleOf(m)));
        const result = f.fake.messages(f.fake.p2pChatOf(id)).find((m) => fromBot(m) && titleOf(m).includes('已生成文档'));
        note(`${id}: ${n} private nudges from ${g.chatId} (group nudge at ${at(groupNudge)}, report published at ${at(result)})`);
      }
    }
    const summary = f.fake.messages(g.chatId).find((m) => fromBot(m) && titleOf(m) === '述职报告已截止');
    const done = g.members.filter((id) => completeBySecretary.get(id)).length;
    if (summary && !JSON.stringify(summary.content).includes(`${done}/${g.members.length}`)) note(`${g.chatId}: the summary does not say ${done}/${g.members.length}`);
  }
  const G = f.groups.length;
  rows.push({
    check: 'nudges (each exactly once)',
    expected: `${G} announcements, ${G} group nudges, ${expectedPrivate} private, ${G} summaries, ${G} lists`,
    observed: `${tally.announce}, ${tally.group}, ${tally.private}, ${tally.summary}, ${tally.list} (not once: ${Object.values(wrong).reduce((a, b) => a + b, 0)})`,
    ok: Object.values(wrong).every((n) => n === 0),
  });

  // --- what Feishu was answered -------------------------------------------------------------------------
  const deliveries = f.fake.deliveries;
  const fivexx = deliveries.filter((d) => d.status >= 500);
  const inOutage = (at: number) => f.outages.some((o) => at >= o.from - 1000 && at <= o.to + 5000);
  const byBalancer = fivexx.filter((d) => d.status === 502).length;
  const duringOutage = fivexx.filter((d) => d.status !== 502 && inOutage(d.at)).length;
  const other = fivexx.length - byBalancer - duringOutage;
  rows.push({
    check: '5xx answered to Feishu',
    expected: 'only while Redis is down or an instance dies',
    observed: `${fivexx.length} (Redis down ${duringOutage}, instance killed ${byBalancer}, other ${other})`,
    ok: null,
  });
  rows.push({ check: 'process crashes', expected: '0', observed: f.crashes.length === 0 ? '0' : f.crashes.join('; '), ok: f.crashes.length === 0 });

  // --- the run itself -----------------------------------------------------------------------------------
  rows.push({
    check: 'answers later than 3 s (Feishu gives up)',
    expected: '',
    observed: `${deliveries.filter((d) => d.timedOut).length} of ${deliveries.length} deliveries`,
    ok: null,
  });
  const events = deliveries.filter((d) => d.eventType !== 'card.action.trigger');
  const callbacks = deliveries.filter((d) => d.eventType === 'card.action.trigger');
  rows.push({
    check: 'deliveries',
    expected: 'events ×3, callbacks ×2',
    observed: `${events.length} event deliveries (${events.filter((d) => d.attempt > 0).length} re-pushes), ${callbacks.length} callback deliveries (${callbacks.filter((d) => d.duplicate).length} copies)`,
    ok: f.redeliverFailed === 0 ? null : false,
  });
  const injected = f.fake.calls.filter((c) => c.injected);
  rows.push({
    check: 'faults injected',
    expected: '',
    observed: `${f.redisKills} Redis SIGKILLs, ${f.botKills} bot SIGKILL, ${injected.length} Open API calls failed (${injected.filter((c) => c.status === 429).length}×429)`,
    ok: null,
  });
  const clicks = f.outcomes.reduce((n, o) => n + o.clicks, 0);
  const retries = f.outcomes.reduce((n, o) => n + o.retries, 0);
  const resumes = f.outcomes.reduce((n, o) => n + o.entryMessages - 1, 0);
  rows.push({ check: 'what people did', expected: '', observed: `${clicks} clicks (${retries} repeated), ${resumes} × 继续, ${f.owners.reduce((n, o) => n + o.commands, 0)} deadline commands`, ok: null });
  const errors = [...f.outcomes.map((o) => o.error), ...f.owners.map((o) => o.error)].filter((e): e is string => !!e);
  for (const e of errors) note(e);
  if (f.balancer) rows.push({ check: 'load balancer', expected: '', observed: `${f.balancer.forwarded} forwarded, ${f.balancer.retried} retried elsewhere, ${f.balancer.badGateway} × 502, ${f.balancer.abandoned} given up by Feishu`, ok: null });
  if (f.notesFile) writeFileSync(f.notesFile, `${problems.join('\n')}\n`);
  for (const p of problems.slice(0, 15)) rows.push({ check: '  !', expected: '', observed: p.slice(0, 300), ok: null });
  if (problems.length > 15) rows.push({ check: '  !', expected: '', observed: `… ${problems.length - 15} more in ${f.notesFile ?? 'the notes'}`, ok: null });
  return rows;
}

export function formatTable(title: string, rows: Row[]): string {
  const cells = rows.map((r) => [r.check, r.expected, r.observed, r.ok === null ? '' : r.ok ? 'ok' : 'FAIL']);
  const head = ['check', 'expected', 'observed', ''];
  const width = (i: number) => Math.max(...[head, ...cells].map((c) => displayWidth(c[i]!)));
  const widths = [0, 1, 2, 3].map(width);
  const line = (c: string[]) => `| ${c.map((x, i) => x + ' '.repeat(widths[i]! - displayWidth(x))).join(' | ')} |`;
  return [title, line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/** Columns of a monospace terminal: CJK characters take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
