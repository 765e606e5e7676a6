// Cards of the deadline feature (Card JSON 2.0): the form that sets a deadline, the deadline card posted in
// the group, group and private nudges, the closing "全部完成" card, the summary after the deadline, the
// collector's private list, and the progress card. Pure functions of their inputs.
//
// Privacy: group cards carry counts only; names of people still missing appear in a group card only when
// the admin turned on "@未完成人员" (then as <at> mentions). The per-person list goes to admins privately.
import { z } from 'zod';
import { clip, escapeMd } from './escape.ts';
import { card, datePicker, type El, fieldLabel, fitCard, form, grey, hr, input, md, multiSelect, plain, row, select, trimmedNote } from './parts.ts';

/** The value of every button of these cards. */
export const dlValueSchema = z.object({
  k: z.literal('dl'),
  /** set: the form's submit; go: 开始/继续填写; mute: 不再提醒. */
  a: z.enum(['set', 'go', 'mute']),
  /** Chat id of the deadline (private cards are not in that chat). */
  c: z.string().max(128).optional(),
  /** Deadline id (mute applies to this deadline only). */
  d: z.string().max(32).optional(),
  /** Revision of the deadline the form was rendered from; -1 = there was none. */
  r: z.number().int().min(-1).optional(),
  /** 1 when pressed on a private card (the answer replaces that card). */
  p: z.literal(1).optional(),
});
export type DlValue = z.infer<typeof dlValueSchema>;

export const FORM_FIELDS = {
  title: 'dl_title',
  day: 'dl_day',
  time: 'dl_time',
  offsets: 'dl_offsets',
  workdays: 'dl_wd',
  mention: 'dl_at',
  private: 'dl_dm',
  exclude: 'dl_ex',
} as const;

export const TIME_OPTIONS = ['09:00', '10:00', '12:00', '14:00', '15:00', '16:00', '17:00', '17:30', '18:00', '20:00', '22:00', '23:59'];
export const OFFSET_OPTIONS: ReadonlyArray<{ value: number; text: string }> = [
  { value: 14, text: '提前14天' },
  { value: 10, text: '提前10天' },
  { value: 7, text: '提前7天' },
  { value: 5, text: '提前5天' },
  { value: 3, text: '提前3天' },
  { value: 2, text: '提前2天' },
  { value: 1, text: '提前1天' },
  { value: 0, text: '截止当天' },
];
/** Above this many members the exclusion list is not offered in the form (use "@述职助手 排除 @某某"). */
export const FORM_MAX_MEMBERS = 100;
const LIST_MAX = 150;

function dlButton(text: string, value: DlValue, o: { type?: 'default' | 'primary'; submit?: string } = {}): El {
  const b: El = {
    tag: 'button',
    text: plain(text),
    type: o.type ?? 'default',
    size: 'medium',
    behaviors: [{ type: 'callback', value }],
  };
  if (o.submit) {
    b.name = o.submit;
    b.form_action_type = 'submit';
  }
  return b;
}

function checker(name: string, text: string, checked: boolean): El {
  return { tag: 'checker', name, checked, text: plain(text) };
}

export function offsetsText(offsets: readonly number[]): string {
  const sorted = [...offsets].sort((a, b) => b - a);
  if (sorted.length === 0) return '不提前提醒';
  return sorted.map((o) => (o === 0 ? '截止当天' : `提前${o}天`)).join('、');
}

/** The form behind "@述职助手 设置截止" / "修改截止". */
export function deadlineFormCard(a: {
  modify: boolean;
  title: string;
  day: string;
  time: string;
  offsets: readonly number[];
  workdaysOnly: boolean;
  mention: boolean;
  private: boolean;
  members: ReadonlyArray<{ openId: string; name: string }>;
  excluded: readonly string[];
  rev: number;
}): El {
  const elements: El[] = [
    input({ name: FORM_FIELDS.title, label: '名称', value: a.title, maxLength: 40, placeholder: '例如：2024年度述职报告' }),
    fieldLabel('截止日期'),
    datePicker({ name: FORM_FIELDS.day, placeholder: '截止日期', date: a.day }),
    fieldLabel('截止时间'),
    select({
      name: FORM_FIELDS.time,
      placeholder: '截止时间',
      options: TIME_OPTIONS.map((t) => ({ text: t, value: t })),
      value: TIME_OPTIONS.includes(a.time) ? a.time : '18:00',
    }),
    md(grey('提醒时间（每次均为上午 9:00）')),
    multiSelect({
      name: FORM_FIELDS.offsets,
      placeholder: '提醒时间',
      options: OFFSET_OPTIONS.map((o) => ({ text: o.text, value: String(o.value) })),
      selected: a.offsets.map(String),
    }),
    checker(FORM_FIELDS.workdays, '仅在工作日提醒（遇周末、法定节假日提前至前一个工作日）', a.workdaysOnly),
    checker(FORM_FIELDS.mention, '群内提醒时 @ 尚未完成的同志', a.mention),
    checker(FORM_FIELDS.private, '同时单独提醒尚未完成的同志', a.private),
  ];
  if (a.members.length > 0 && a.members.length <= FORM_MAX_MEMBERS) {
    elements.push(md(grey('不纳入统计和提醒的人员（如非书记本人）')));
    elements.push(
      multiSelect({
        name: FORM_FIELDS.exclude,
        placeholder: '选择人员（可不选）',
        options: a.members.map((m) => ({ text: clip(m.name || m.openId, 30), value: m.openId })),
        selected: a.excluded,
      }),
    );
  } else if (a.members.length > FORM_MAX_MEMBERS) {
    elements.push(md(grey('如需将部分人员排除在统计之外，请发送“@述职助手 排除 @某某”。')));
  }
  elements.push(dlButton(a.modify ? '保存修改' : '确定', { k: 'dl', a: 'set', r: a.rev }, { type: 'primary', submit: 'dl_submit' }));
  return card({
    title: a.modify ? '修改述职报告截止时间' : '设置述职报告截止时间',
    template: 'blue',
    elements: [md('请设置截止时间和提醒方式。设置后，我会在群内按时提醒，并统计各位同志的完成情况。'), form('dl_form', elements)],
  });
}

export interface DeadlineView {
  title: string;
  dueText: string;
  nudgeDays: string[];
  offsets: readonly number[];
  workdaysOnly: boolean;
  mention: boolean;
  private: boolean;
  excludedCount: number;
}

/** Posted in the group once the deadline is set or changed. */
export function deadlineCard(v: DeadlineView, progress: { done: number; total: number }, changed = false): El {
  const lines = [
    `**截止时间**：${v.dueText}`,
    `**提醒安排**：${v.nudgeDays.length > 0 ? `${v.nudgeDays.join('、')} 上午 9:00` : '无（截止时间临近）'}`,
    v.workdaysOnly ? grey('提醒仅在工作日发送，遇周末、法定节假日提前至前一个工作日。') : grey('提醒日遇周末、节假日照常发送。'),
    `**完成情况**：已完成 ${progress.done}/${progress.total}`,
  ];
  if (v.private) lines.push(grey('尚未完成的同志还会收到单独提醒，可随时选择“不再提醒”。'));
  if (v.excludedCount > 0) lines.push(grey(`另有 ${v.excludedCount} 人不纳入统计。`));
  return card({
    title: changed ? '述职报告截止时间已调整' : '述职报告截止时间已设置',
    subtitle: v.title,
    template: 'blue',
    summary: `「${v.title}」截止时间：${v.dueText}`,
    elements: [
      md(`请各位同志在截止前完成「${escapeMd(v.title)}」。`),
      md(lines.join('\n')),
      hr(),
      row([dlButton('开始/继续填写', { k: 'dl', a: 'go' }, { type: 'primary' })]),
      md(grey('点击后，我会在单聊中为您打开填写卡片，填写内容仅本人可见。')),
    ],
  });
}

const SAFE_OPEN_ID = /^ou_[A-Za-z0-9_-]{1,100}$/;

function mentions(openIds: readonly string[]): string {
  const ids = openIds.filter((id) => SAFE_OPEN_ID.test(id)).slice(0, LIST_MAX);
  return ids.map((id) => `<at id=${id}></at>`).join(' ');
}

export function headline(title: string, daysLeft: number, dayText: string, dueTime: string): string {
  const t = escapeMd(title);
  if (daysLeft <= 0) return `「${t}」今天 ${dueTime} 截止（${dayText}）`;
  return `距「${t}」截止还有${daysLeft}天（${dayText}）`;
}

/** The group nudge. */
export function groupNudgeCard(a: {
  title: string;
  daysLeft: number;
  dayText: string;
  dueTime: string;
  done: number;
  total: number;
  /** Set only when the admin turned on "@未完成人员". */
  missing?: readonly string[];
}): El {
  const elements: El[] = [md(`${headline(a.title, a.daysLeft, a.dayText, a.dueTime)}· 已完成 ${a.done}/${a.total}`)];
  if (a.missing && a.missing.length > 0) elements.push(md(`请以下同志抓紧完成：${mentions(a.missing)}`));
  else elements.push(md(grey('尚未完成的同志请抓紧填写，已完成的同志辛苦了！')));
  elements.push(row([dlButton('开始/继续填写', { k: 'dl', a: 'go' }, { type: 'primary' })]));
  return card({
    title: a.daysLeft <= 0 ? '述职报告今日截止' : '述职报告截止提醒',
    template: a.daysLeft <= 1 ? 'orange' : 'blue',
    summary: `「${a.title}」已完成 ${a.done}/${a.total}`,
    elements,
  });
}

/** The private nudge to someone whose report is not finished. */
export function privateNudgeCard(a: {
  title: string;
  chatName: string;
  daysLeft: number;
  dueText: string;
  status: string;
  chatId: string;
  deadlineId: string;
}): El {
  const when = a.daysLeft <= 0 ? '今天' : `还有${a.daysLeft}天`;
  return card({
    title: '述职报告填写提醒',
    template: a.daysLeft <= 1 ? 'orange' : 'blue',
    summary: `「${a.title}」${when}截止`,
    elements: [
      md(
        `您好！「${escapeMd(a.chatName)}」群设置的「${escapeMd(a.title)}」将于 ${a.dueText} 截止（${when}）。` +
          `您的述职报告目前：**${a.status}**。`,
      ),
      row([
        dlButton('开始/继续填写', { k: 'dl', a: 'go', p: 1 }, { type: 'primary' }),
        dlButton('不再提醒', { k: 'dl', a: 'mute', c: a.chatId, d: a.deadlineId, p: 1 }),
      ]),
      md(grey('“不再提醒”仅对本次截止有效。')),
    ],
  });
}

/** Replaces the private nudge after 不再提醒. */
export function mutedCard(title: string): El {
  return card({
    title: '已关闭提醒',
    template: 'grey',
    elements: [
      md(`好的，「${escapeMd(title)}」不再单独提醒您。如需填写，可随时发送“写述职报告”。`),
      row([dlButton('开始/继续填写', { k: 'dl', a: 'go', p: 1 })]),
    ],
  });
}

/** Once everyone expected is done. */
export function allDoneCard(a: { title: string; total: number }): El {
  return card({
    title: '全部完成',
    template: 'green',
    summary: `「${a.title}」全部完成`,
    elements: [md(`「${escapeMd(a.title)}」已全部完成（${a.total}/${a.total}），感谢各位同志的支持与配合！`)],
  });
}

/** In the group on the day after the deadline. */
export function summaryCard(a: { title: string; dueText: string; done: number; total: number }): El {
  const all = a.total > 0 && a.done >= a.total;
  return card({
    title: '述职报告收取情况',
    template: all ? 'green' : 'blue',
    summary: `「${a.title}」已完成 ${a.done}/${a.total}`,
    elements: [
      md(`「${escapeMd(a.title)}」已于 ${a.dueText} 截止，共完成 ${a.done}/${a.total}。`),
      md(all ? '感谢各位同志的支持与配合！' : '尚未完成的同志请尽快完成并提交，感谢各位同志的支持与配合！'),
    ],
  });
}

export interface PersonLine {
  name: string;
  status: string;
  url?: string;
}

const SAFE_URL = /^https?:\/\/[^\s()<>"'\\]+$/;

/** How many people a list shows and how many characters of each name, from most to least (see fitCard). */
interface ListBudget {
  people: number;
  name: number;
}
const LIST_BUDGETS: readonly ListBudget[] = [
  { people: LIST_MAX, name: 30 },
  { people: 60, name: 16 },
  { people: 20, name: 10 },
];

function personLine(p: PersonLine, b: ListBudget): string {
  const name = escapeMd(clip(p.name || '（未知）', b.name));
  if (p.url && SAFE_URL.test(p.url)) return `· ${name}：[查看报告](${p.url})`;
  return `· ${name}：${p.status}`;
}

function listBlock(people: readonly PersonLine[], b: ListBudget): string {
  const shown = people.slice(0, b.people).map((p) => personLine(p, b));
  if (people.length > b.people) shown.push(grey(`……另有 ${people.length - b.people} 人`));
  return shown.join('\n');
}

/** The collector's private view: who is missing, and the links of all submitted reports. */
export function collectorCard(a: {
  title: string;
  chatName: string;
  dueText: string;
  closed: boolean;
  done: readonly PersonLine[];
  missing: readonly PersonLine[];
}): El {
  const total = a.done.length + a.missing.length;
  return fitCard(LIST_BUDGETS, (b, trimmed) => {
    const elements: El[] = trimmed ? [trimmedNote()] : [];
    elements.push(
      md(
        `「${escapeMd(a.chatName)}」群 ·「${escapeMd(a.title)}」${a.closed ? '已于' : '将于'} ${a.dueText} 截止。` +
          `已完成 ${a.done.length}/${total}。`,
      ),
    );
    elements.push(md(`**尚未完成（${a.missing.length}）**\n${a.missing.length > 0 ? listBlock(a.missing, b) : '无'}`));
    elements.push(md(`**已提交的报告（${a.done.length}）**\n${a.done.length > 0 ? listBlock(a.done, b) : '暂无'}`));
    return card({
      title: a.closed ? '述职报告收取结果' : '述职报告收取进度',
      template: a.closed ? 'green' : 'blue',
      summary: `「${a.title}」已完成 ${a.done.length}/${total}`,
      elements,
    });
  });
}

/** "@述职助手 进度" in the group. */
export function progressCard(a: {
  title: string;
  dueText: string;
  closed: boolean;
  done: number;
  writing: number;
  notStarted: number;
  total: number;
  /** Names of the people still missing: set only when the admin turned on "@未完成人员". Shown, not notified. */
  missingNames?: readonly string[];
}): El {
  return fitCard(LIST_BUDGETS, (b, trimmed) => {
    const elements: El[] = trimmed ? [trimmedNote()] : [];
    elements.push(
      md(`「${escapeMd(a.title)}」${a.closed ? '已于' : '将于'} ${a.dueText} 截止。`),
      md(`**已完成** ${a.done}/${a.total}　**填写中** ${a.writing}　**未开始** ${a.notStarted}`),
    );
    if (a.missingNames && a.missingNames.length > 0) {
      const names = a.missingNames.slice(0, b.people).map((n) => escapeMd(clip(n, b.name)));
      if (a.missingNames.length > b.people) names.push(`等 ${a.missingNames.length} 人`);
      elements.push(md(`尚未完成：${names.join('、')}`));
    }
    if (!a.closed) elements.push(row([dlButton('开始/继续填写', { k: 'dl', a: 'go' }, { type: 'primary' })]));
    return card({ title: '述职报告完成情况', template: 'blue', summary: `已完成 ${a.done}/${a.total}`, elements });
  });
}

/** Sample cards for cards/gallery.ts (fixed data: a deadline of 15 January 2027 in a branch secretaries' group). */
export function deadlineGalleryCards(): Array<{ id: string; title: string; card: object }> {
  const title = '2026年度述职报告';
  const dueText = '2027年1月15日（周五）18:00';
  const members = [
    { openId: 'ou_demo_secretary', name: '张书记' },
    { openId: 'ou_demo_2', name: '李书记' },
    { openId: 'ou_demo_3', name: '王书记' },
    { openId: 'ou_demo_clerk', name: '陈干事' },
  ];
  const view: DeadlineView = {
    title,
    dueText,
    nudgeDays: ['1月8日 周五', '1月12日 周二', '1月14日 周四', '1月15日 周五'],
    offsets: [7, 3, 1, 0],
    workdaysOnly: true,
    mention: false,
    private: true,
    excludedCount: 1,
  };
  const url = 'https://example.feishu.cn/docx/doxcnGallerySample';
  return [
    {
      id: 'deadline/form',
      title: '设置截止时间（表单）',
      card: deadlineFormCard({
        modify: false,
        title,
        day: '2027-01-15',
        time: '18:00',
        offsets: [7, 3, 1, 0],
        workdaysOnly: true,
        mention: false,
        private: true,
        members,
        excluded: [],
        rev: -1,
      }),
    },
    { id: 'deadline/set', title: '截止时间已设置（群内）', card: deadlineCard(view, { done: 1, total: 3 }) },
    {
      id: 'deadline/nudge',
      title: '群内提醒',
      card: groupNudgeCard({ title, daysLeft: 3, dayText: '1月15日 周五', dueTime: '18:00', done: 12, total: 30 }),
    },
    {
      id: 'deadline/nudge-today-mentions',
      title: '群内提醒（截止当天，@未完成人员）',
      card: groupNudgeCard({ title, daysLeft: 0, dayText: '1月15日 周五', dueTime: '18:00', done: 28, total: 30, missing: ['ou_demo_2', 'ou_demo_3'] }),
    },
    {
      id: 'deadline/private',
      title: '单独提醒',
      card: privateNudgeCard({ title, chatName: '机关党支部书记群', daysLeft: 1, dueText, status: '填写中（第 3/12 步）', chatId: 'oc_demo', deadlineId: 'demo' }),
    },
    { id: 'deadline/muted', title: '不再提醒', card: mutedCard(title) },
    { id: 'deadline/all-done', title: '全部完成', card: allDoneCard({ title, total: 30 }) },
    { id: 'deadline/summary', title: '截止后的收取情况（群内）', card: summaryCard({ title, dueText, done: 28, total: 30 }) },
    {
      id: 'deadline/collector',
      title: '收取结果（发给设置人）',
      card: collectorCard({
        title,
        chatName: '机关党支部书记群',
        dueText,
        closed: true,
        done: [{ name: '张书记', status: '已生成', url }],
        missing: [
          { name: '李书记', status: '填写中（第 3/12 步）' },
          { name: '王书记', status: '未开始' },
        ],
      }),
    },
    {
      id: 'deadline/progress',
      title: '完成情况（进度）',
      card: progressCard({ title, dueText, closed: false, done: 1, writing: 1, notStarted: 1, total: 3 }),
    },
  ];
}
