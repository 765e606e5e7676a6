// Card JSON 2.0 renderers of the activity log: the confirmation card (确认 / 修改 / 撤销, kind selector when
// unclear, member count when 全体党员 is used for the first time), the edit form, the list with paging, the
// ledger (统计/台账), the help card, and the monthly reminder. Pure.
//
// User-typed text (topics, the text as written) reaches a card only through escapeMd in markdown, or as an
// input's default value (plain text). Every button value carries `k: 'act'`.
import { z } from 'zod';
import { isoWeekday, parts } from '../src/activity/dates.ts';
import { ACTIVITY_KINDS, type ActivityKind, type Frequency } from '../src/activity/kinds.ts';
import { buildLedger, FREQUENCY_TEXT, type Ledger, QUARTER_NAMES } from '../src/activity/ledger.ts';
import { type ActivityRecord, datePending } from '../src/activity/record.ts';
import type { ActionValue } from './action.ts';
import { clip, escapeMd } from './escape.ts';
import { type ButtonOpts, button, card, datePicker, type El, fieldLabel, fitCard, form, grey, hr, input, md, row, select, trimmedNote } from './parts.ts';

export const ACT_K = 'act';

export const ACT_ACTIONS = ['ok', 'undo', 'edit', 'save', 'back', 'del', 'page', 'stats', 'list', 'export', 'off', 'on', 'help', 'plan', 'year'] as const;
export type ActAction = (typeof ACT_ACTIONS)[number];

/** Where an edit form returns to: the confirmation card of batch m (n records), or list page p. */
export const actValueSchema = z.object({
  k: z.literal(ACT_K),
  a: z.enum(ACT_ACTIONS),
  /** Record id. */
  id: z.string().min(1).max(200).optional(),
  /** Record rev the card was rendered from. */
  r: z.number().int().min(0).optional(),
  /** Batch: the message id and the number of segments it had. */
  m: z.string().min(1).max(160).optional(),
  n: z.number().int().min(1).max(100).optional(),
  /** Origin of an edit: 'c' confirmation card, 'l' list. */
  o: z.enum(['c', 'l']).optional(),
  /** List page (0-based). */
  p: z.number().int().min(0).max(10_000).optional(),
  /** Year of a ledger or export. */
  y: z.number().int().min(2000).max(2100).optional(),
});
export type ActValue = z.infer<typeof actValueSchema>;

export function parseActValue(v: unknown): ActValue | null {
  const r = actValueSchema.safeParse(v);
  return r.success ? r.data : null;
}

function btn(text: string, value: ActValue, o: ButtonOpts = {}): El {
  // parts.button is typed for the walk-through's values; ours are validated by actValueSchema on the way back.
  return button(text, value as unknown as ActionValue, o);
}

const WEEKDAY_TEXT = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

export function dateText(date: string): string {
  const { y, m, d } = parts(date);
  return `${y}年${m}月${d}日（${WEEKDAY_TEXT[isoWeekday(date)]}）`;
}

function shortDate(date: string): string {
  const { m, d } = parts(date);
  return `${m}月${d}日`;
}

function hoursText(h: number): string {
  return Number.isInteger(h) ? String(h) : String(Math.round(h * 10) / 10);
}

/** The fields of a record in one markdown line (user text escaped). */
export function recordLine(r: ActivityRecord, n?: number, topicMax = 80): string {
  const parts: string[] = [];
  parts.push(`**${n !== undefined ? `${n}. ` : ''}${escapeMd(dateText(r.date))}**`);
  parts.push(r.kind ? `**${r.kind}**` : `<font color='orange'>类型待选择</font>`);
  if (r.attendees !== null) parts.push(`${r.attendees}人参加`);
  else if (r.allMembers) parts.push('全体党员参加');
  if (r.hours !== null) parts.push(`${hoursText(r.hours)}学时`);
  if (r.planned) parts.push('计划');
  let line = parts.join(' · ');
  if (r.topic) line += `\n主题：${escapeMd(clip(r.topic, topicMax))}`;
  return line;
}

const KIND_OPTIONS = ACTIVITY_KINDS.map((k) => ({ text: k, value: k }));

export interface ConfirmOpts {
  /** 全体党员 was used and no member count is stored: ask for it once. */
  askMembers: boolean;
  /** A line of ours shown at the top (not user text). */
  note?: string;
}

/**
 * Kind selects one confirmation card offers at most: each is 18 of the 200 elements a card may hold (question,
 * select, placeholder, 15 option texts), and a message logs up to 20 activities. The rest are asked for on the
 * card that answers the confirmation.
 */
export const KIND_CHOICES_MAX = 5;

/** The records whose kind the confirmation card asks for, in card order (the bot reads the form with it). */
export function kindChoices(records: readonly ActivityRecord[]): ActivityRecord[] {
  return records.filter((r) => r.status !== 'deleted' && r.kind === null).slice(0, KIND_CHOICES_MAX);
}

/** How much of each record a confirmation card shows, from most to least (see fitCard). */
const CONFIRM_BUDGETS = [{ topic: 80 }, { topic: 20 }] as const;

/** The confirmation card of the records logged from one message. */
export function confirmCard(records: ActivityRecord[], batch: { m: string; n: number }, o: ConfirmOpts): El {
  const live = records.filter((r) => r.status !== 'deleted');
  if (live.length === 0) return undoneCard();
  return fitCard(CONFIRM_BUDGETS, (b, trimmed) => confirmCardWith(live, batch, o, b.topic, trimmed));
}

function confirmCardWith(live: ActivityRecord[], batch: { m: string; n: number }, o: ConfirmOpts, topicMax: number, trimmed: boolean): El {
  const settled = live.every((r) => r.status === 'confirmed' && r.kind !== null && !datePending(r));
  const unclear = live.filter((r) => r.kind === null);
  const badDates = live.filter((r) => r.dateNote?.kind === 'invalid');
  const elements: El[] = [];
  if (o.note) elements.push(md(grey(o.note)));
  if (trimmed) elements.push(trimmedNote());
  live.forEach((r, i) => {
    let line = recordLine(r, live.length > 1 ? i + 1 : undefined, topicMax);
    // Our sentence about the date (the written date inside it is digits and 月/日 only).
    if (r.dateNote) line += `\n${datePending(r) ? `<font color='orange'>${escapeMd(r.dateNote.text)}</font>` : grey(escapeMd(r.dateNote.text))}`;
    elements.push(md(line));
  });
  const base = { k: ACT_K, m: batch.m, n: batch.n } as const;
  if (!settled) {
    const fields: El[] = [];
    const asked = kindChoices(live);
    asked.forEach((r) => {
      const i = live.indexOf(r);
      fields.push(fieldLabel(live.length > 1 ? `第 ${i + 1} 条是哪类活动？` : '这是哪类活动？请选择：'));
      fields.push(select({ name: `kind${r.idx}`, placeholder: '请选择活动类型', options: KIND_OPTIONS }));
    });
    if (unclear.length > asked.length) fields.push(md(grey(`另有 ${unclear.length - asked.length} 条的类型，确认后继续选择。`)));
    // Impossible dates must be picked; a month without a day may be.
    for (const r of live.filter((x) => x.dateNote?.kind === 'invalid' || x.dateNote?.kind === 'month').slice(0, KIND_CHOICES_MAX)) {
      const i = live.indexOf(r);
      const which = live.length > 1 ? `第 ${i + 1} 条的` : '';
      fields.push(fieldLabel(r.dateNote?.kind === 'invalid' ? `请选择${which}活动日期` : `请补充${which}具体日期`));
      // An impossible date: nothing chosen beforehand, so that 确认 never files it under today unseen.
      fields.push(datePicker({ name: `date${r.idx}`, placeholder: '选择活动日期', ...(r.dateNote?.kind === 'month' ? { date: r.date } : {}) }));
    }
    if (o.askMembers) {
      fields.push(input({ name: 'members', label: '“全体党员”是多少人？请填写本支部党员人数（只需填写一次）', placeholder: '例如：28', maxLength: 5 }));
    }
    if (fields.length > 0) {
      elements.push(form('act_confirm', [...fields, btn('确认', { ...base, a: 'ok' }, { type: 'primary', submit: 'act_ok' })]));
    }
    const buttons: El[] = fields.length > 0 ? [] : [btn('确认', { ...base, a: 'ok' }, { type: 'primary' })];
    // A date still to come: kept as a plan, or last year's.
    for (const [i, r] of live.entries()) {
      if (r.dateNote?.kind !== 'future') continue;
      const n = live.length > 1 ? `第${i + 1}条` : '';
      buttons.push(btn(`${n}按计划记录`, { ...base, a: 'plan', id: r.id, o: 'c' }));
      buttons.push(btn(`${n}改为${parts(r.date).y - 1}年`, { ...base, a: 'year', id: r.id, o: 'c' }));
    }
    for (const [i, r] of live.entries()) buttons.push(btn(live.length > 1 ? `修改第${i + 1}条` : '修改', { ...base, a: 'edit', id: r.id, o: 'c' }));
    buttons.push(
      btn('撤销', { ...base, a: 'undo' }, { type: 'danger', confirm: { title: '撤销记录', text: live.length > 1 ? `撤销这 ${live.length} 条活动记录？` : '撤销这条活动记录？' } }),
    );
    elements.push(row(buttons));
    elements.push(md(grey('不确认也会保留记录；如识别有误，请点“修改”。')));
  } else {
    const buttons: El[] = live.map((r, i) => btn(live.length > 1 ? `修改第${i + 1}条` : '修改', { ...base, a: 'edit', id: r.id, o: 'c' }));
    buttons.push(btn('撤销', { ...base, a: 'undo' }, { type: 'danger', confirm: { title: '撤销记录', text: '撤销后将从台账中删除，确定吗？' } }));
    buttons.push(btn('查看台账', { k: ACT_K, a: 'stats' }));
    elements.push(row(buttons));
  }
  return card({
    title: settled ? '活动已记入台账' : badDates.length > 0 ? '请确认活动日期' : unclear.length > 0 ? '请确认活动类型' : '请确认活动记录',
    subtitle: live.length > 1 ? `共 ${live.length} 条` : undefined,
    template: settled ? 'green' : unclear.length > 0 ? 'orange' : 'blue',
    elements,
    summary: settled ? '活动已记入台账' : '请确认活动记录',
  });
}

export function undoneCard(): El {
  return card({ title: '已撤销', template: 'grey', elements: [md('该条消息记录的活动已撤销，不计入台账。')], summary: '活动记录已撤销' });
}

/** The edit form of one record. `back` is where 保存 and 取消 return. */
export function editCard(r: ActivityRecord, back: Pick<ActValue, 'o' | 'p' | 'm' | 'n'>): El {
  const origin = { k: ACT_K, ...back } as const;
  const fields: El[] = [
    fieldLabel('活动日期'),
    datePicker({ name: 'date', placeholder: '选择活动日期', date: r.date }),
    fieldLabel('活动类型'),
    select({ name: 'kind', placeholder: '请选择活动类型', options: KIND_OPTIONS, ...(r.kind ? { value: r.kind } : {}) }),
    input({ name: 'att', label: '参加人数', placeholder: '例如：28', maxLength: 6, ...(r.attendees !== null ? { value: String(r.attendees) } : {}) }),
    input({ name: 'topic', label: '主题', placeholder: '例如：学习《中国共产党章程》', maxLength: 200, ...(r.topic ? { value: r.topic } : {}) }),
    input({ name: 'hours', label: '学时（小时）', placeholder: '例如：2', maxLength: 6, ...(r.hours !== null ? { value: hoursText(r.hours) } : {}) }),
    btn('保存', { ...origin, a: 'save', id: r.id, r: r.rev }, { type: 'primary', submit: 'act_save' }),
  ];
  const elements: El[] = [md(`原始记录：${escapeMd(clip(r.source, 200))}`), form('act_edit', fields), row([btn('取消', { ...origin, a: 'back' })])];
  return card({ title: '修改活动记录', template: 'blue', elements, summary: '修改活动记录' });
}

export const PAGE_SIZE = 8;

/** Recent activities, newest first, with 修改 / 删除 on each. */
export function listCard(records: ActivityRecord[], page: number, total: number): El {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const elements: El[] = [];
  if (total === 0) {
    elements.push(md('还没有活动记录。直接发送一条消息即可记录，例如：\n3月5日 组织集中学习《中国共产党章程》，28人参加'));
  }
  records.forEach((r, i) => {
    const pending = datePending(r) && r.dateNote ? `\n<font color='orange'>${escapeMd(r.dateNote.text)}</font>` : '';
    elements.push(md(recordLine(r, page * PAGE_SIZE + i + 1) + pending));
    elements.push(
      row([
        btn('修改', { k: ACT_K, a: 'edit', id: r.id, o: 'l', p: page }, { size: 'small' }),
        btn('删除', { k: ACT_K, a: 'del', id: r.id, r: r.rev, p: page }, { size: 'small', type: 'danger_text', confirm: { title: '删除记录', text: `删除 ${shortDate(r.date)} 的这条活动记录？` } }),
      ]),
    );
  });
  const nav: El[] = [];
  if (page > 0) nav.push(btn('上一页', { k: ACT_K, a: 'page', p: page - 1 }));
  if (page + 1 < pages) nav.push(btn('下一页', { k: ACT_K, a: 'page', p: page + 1 }));
  nav.push(btn('查看台账', { k: ACT_K, a: 'stats' }));
  elements.push(hr(), row(nav));
  return card({ title: '活动记录', subtitle: total > 0 ? `第 ${page + 1}/${pages} 页，共 ${total} 条` : undefined, template: 'blue', elements, summary: '活动记录列表' });
}

const FREQ_SHORT: Record<Frequency, string> = { monthly: '每月', quarterly: '每季度', yearly: '每年' };

/** The ledger: counts by kind for the year against the required frequencies, by quarter and by month. */
export function ledgerCard(l: Ledger): El {
  const elements: El[] = [];
  const title = `${l.year}年度活动台账`;
  if (l.total === 0 && l.unclassified === 0) {
    elements.push(md(`${l.year}年还没有活动记录。直接发送一条消息即可记录，例如：\n昨天召开支委会，研究第二季度党建工作`));
  } else {
    elements.push(md(`全年共记录活动 **${l.total}** 次${l.studyHours > 0 ? `，累计学习 **${hoursText(l.studyHours)}** 学时` : ''}${l.unclassified > 0 ? `；另有 ${l.unclassified} 条待选择类型` : ''}。`));
  }
  const required = l.rows.filter((r) => r.freq);
  const lines = required.map((r) => {
    const mark = r.status === 'ok' ? '✓' : r.status === 'behind' ? '✗' : '…';
    const q = r.quarters.map((n, i) => `${QUARTER_NAMES[i]}${n}`).join(' ');
    const missed = r.missed.length > 0 ? `，缺：${r.missed.join('、')}` : '';
    return `${mark} **${r.kind}** ${r.year}次（要求${FREQUENCY_TEXT[r.freq!]}）\n${grey(`${q}${missed}`)}`;
  });
  elements.push(md(`**按规定频次**\n${lines.join('\n')}`));
  const others = l.rows.filter((r) => !r.freq && r.year > 0);
  if (others.length > 0) elements.push(md(`**其他活动**\n${others.map((r) => `${r.kind} ${r.year}次（${r.quarters.map((n, i) => `${QUARTER_NAMES[i]}${n}`).join(' ')}）`).join('\n')}`));
  const monthly = required.filter((r) => r.freq === 'monthly');
  const months = l.monthTotals
    .map((n, i) => {
      const checks = monthly.map((r) => `${r.kind}${r.months[i]! > 0 ? '✓' : '✗'}`).join(' ');
      return `${i + 1}月：共${n}次  ${grey(checks)}`;
    })
    .filter((_, i) => l.asOf >= `${l.year}-${String(i + 1).padStart(2, '0')}-01`);
  if (months.length > 0) elements.push(md(`**按月**\n${months.join('\n')}`));
  if (l.currentQuarter) {
    const q = QUARTER_NAMES[l.currentQuarter - 1];
    elements.push(
      md(
        l.missingThisQuarter.length > 0
          ? `**${q}尚缺**\n${l.missingThisQuarter.map((x) => `· ${x.kind}（${x.what}）`).join('\n')}`
          : `**${q}**：规定的活动均已开展 ✓`,
      ),
    );
  }
  elements.push(md(grey(`规定频次按党内法规通行要求设置（${Object.entries(FREQ_SHORT).map(([, v]) => v).join('、')}），各地要求不同的以本地规定为准。`)));
  elements.push(
    row([
      btn('活动列表', { k: ACT_K, a: 'list' }),
      btn('导出台账', { k: ACT_K, a: 'export', y: l.year }),
      btn(`${l.year - 1}年`, { k: ACT_K, a: 'stats', y: l.year - 1 }),
    ]),
  );
  return card({ title, template: 'indigo', elements, summary: title });
}

/** The short help card for a message that is not an activity: three examples. */
export function helpCard(): El {
  const elements: El[] = [
    md('发送一条消息即可记录一次活动（可一次发送多行，每行一条），例如：'),
    md('· 3月5日 组织集中学习《中国共产党章程》，28人参加，2小时\n· 昨天召开支委会，研究第二季度党建工作\n· 上周五开展主题党日活动，全体党员到社区开展志愿服务'),
    md(grey('发送“统计”查看台账，“列表”查看和修改记录，“导出”下载全年台账。发送“写述职报告”开始撰写述职报告。')),
    row([btn('查看台账', { k: ACT_K, a: 'stats' }), button('写述职报告', { k: 'start' })]),
  ];
  return card({ title: '如何记录支部活动', template: 'wathet', elements, summary: '如何记录支部活动' });
}

/** A message about an activity still to come ("下周三召开支委会"): nothing is logged, and the card says why. */
export function plannedCard(kind: ActivityKind): El {
  const elements: El[] = [
    md(`这条消息说的是尚未开展的${escapeMd(kind)}，暂不记入台账。`),
    md(grey(`活动开展后，发送一句话记录即可，例如：“昨天召开${kind === '其他' ? '支委会' : kind}，研究……”。如活动其实已经开展，请写明日期（如“3月5日”）重新发送。`)),
    row([btn('查看台账', { k: ACT_K, a: 'stats' })]),
  ];
  return card({ title: '尚未开展的活动', template: 'wathet', elements, summary: '尚未开展的活动，暂不记录' });
}

export interface Gap {
  kind: ActivityKind;
  what: string;
}

/** The private reminder on the first working day of a month: what was not logged last month. */
export function gapCard(year: number, month: number, gaps: Gap[]): El {
  const elements: El[] = [
    md(`${year}年${month}月的活动台账中，以下活动尚无记录：`),
    md(gaps.map((g) => `· **${g.kind}**（${g.what}）`).join('\n')),
    md(grey('如已开展只是未记录，直接发送消息补记即可，例如：“' + `${month}月28日 召开支委会` + '”。本提醒仅您本人可见。')),
    row([btn('查看台账', { k: ACT_K, a: 'stats', y: year }), btn('不再提醒', { k: ACT_K, a: 'off' }, { type: 'text' })]),
  ];
  return card({ title: `${month}月活动提醒`, template: 'yellow', elements, summary: `${month}月活动提醒` });
}

export function remindCard(on: boolean): El {
  return card({
    title: on ? '已开启每月提醒' : '已关闭每月提醒',
    template: 'grey',
    elements: [
      md(on ? '每月第一个工作日，如上月有规定活动尚无记录，将在单聊中提醒您。' : '今后不再发送每月活动提醒。需要时可随时重新开启。'),
      row([on ? btn('关闭提醒', { k: ACT_K, a: 'off' }, { type: 'text' }) : btn('重新开启提醒', { k: ACT_K, a: 'on' })]),
    ],
    summary: on ? '已开启每月提醒' : '已关闭每月提醒',
  });
}

// ---- gallery samples -------------------------------------------------------------------------------------

function sample(id: string, date: string, kind: ActivityKind | null, extra: Partial<ActivityRecord> = {}): ActivityRecord {
  return {
    v: 1,
    id: `om_gallery_${id}`,
    msg: 'om_gallery',
    idx: Number(id),
    date,
    kind,
    attendees: null,
    allMembers: false,
    topic: null,
    hours: null,
    source: '',
    status: 'logged',
    rev: 0,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}

/** Sample cards of the activity log for cards/gallery.ts (fixed data; the gallery's clock is 2026-12-10). */
export function activityGalleryCards(): Array<{ id: string; title: string; card: object }> {
  const one = sample('0', '2026-12-08', '集中学习', { attendees: 28, hours: 2, topic: '中国共产党章程', source: '12月8日 组织集中学习《中国共产党章程》，28人参加，2小时' });
  const batch = [
    sample('0', '2026-12-01', '支委会', { topic: '研究年度组织生活会准备工作', source: '12月1日 召开支委会，研究年度组织生活会准备工作' }),
    sample('1', '2026-12-05', null, { attendees: 15, source: '12月5日 开了个会，15人参加' }),
    sample('2', '2026-12-09', '主题党日', { allMembers: true, topic: '重温入党誓词', source: '12月9日 主题党日 全体党员重温入党誓词' }),
  ];
  const year: ActivityRecord[] = [];
  for (let m = 1; m <= 11; m++) {
    const mm = String(m).padStart(2, '0');
    if (m !== 3) year.push(sample(`c${m}`, `2026-${mm}-10`, '支委会'));
    year.push(sample(`d${m}`, `2026-${mm}-20`, '主题党日'));
    if (m % 2 === 0) year.push(sample(`s${m}`, `2026-${mm}-15`, '集中学习', { hours: 2 }));
  }
  year.push(sample('k1', '2026-03-28', '党课'), sample('k2', '2026-06-28', '党课'), sample('k3', '2026-09-28', '党课'));
  year.push(sample('v1', '2026-05-20', '志愿服务'), sample('g1', '2026-04-10', '党员大会'));
  const list = year.slice(0, PAGE_SIZE).map((r, i) => ({ ...r, topic: i === 0 ? '研究*季度*工作 <b>' : r.topic }));
  return [
    { id: 'activity/confirm', title: '活动记录确认（一条）', card: confirmCard([one], { m: 'om_gallery', n: 1 }, { askMembers: false }) },
    { id: 'activity/confirm-batch', title: '活动记录确认（多条，类型待选择，询问党员人数）', card: confirmCard(batch, { m: 'om_gallery', n: 3 }, { askMembers: true }) },
    {
      id: 'activity/confirm-dates',
      title: '活动记录确认（日期有误、只写月份、日期尚未到来）',
      card: confirmCard(
        [
          sample('0', '2026-12-10', '主题党日', { source: '2月30日开展主题党日', dateNote: { kind: 'invalid', text: '2月没有30日，请确认日期' } }),
          sample('1', '2026-05-01', '廉政教育', { topic: '廉政警示教育', source: '5月份开展廉政警示教育', dateNote: { kind: 'month', text: '只写了5月，已先记在2026年5月1日，请补充具体日期' } }),
          sample('2', '2026-12-25', '支委会', { source: '12月25日召开支委会', dateNote: { kind: 'future', text: '该日期尚未到来（2026年12月25日）' } }),
        ],
        { m: 'om_gallery', n: 3 },
        { askMembers: false },
      ),
    },
    { id: 'activity/confirmed', title: '活动已记入台账', card: confirmCard([{ ...one, status: 'confirmed' }], { m: 'om_gallery', n: 1 }, { askMembers: false }) },
    { id: 'activity/undone', title: '活动记录已撤销', card: undoneCard() },
    { id: 'activity/edit', title: '修改活动记录', card: editCard(one, { o: 'c', m: 'om_gallery', n: 1 }) },
    { id: 'activity/list', title: '活动记录列表', card: listCard(list, 1, 40) },
    { id: 'activity/ledger', title: '年度活动台账', card: ledgerCard(buildLedger(year, 2026, '2026-12-10')) },
    { id: 'activity/help', title: '如何记录支部活动', card: helpCard() },
    { id: 'activity/planned', title: '尚未开展的活动（下周三召开支委会）', card: plannedCard('支委会') },
    { id: 'activity/gaps', title: '每月活动提醒', card: gapCard(2026, 11, [{ kind: '党小组会', what: '11月' }, { kind: '组织生活会', what: '2026年' }]) },
    { id: 'activity/remind-off', title: '已关闭每月提醒', card: remindCard(false) },
  ];
}
