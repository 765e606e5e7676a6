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
  /**
   * set: the form's submit; go: 开始/继续填写; mute: 不再提醒; ok / redo: 确认发布 / 重新设置 of settings waiting
   * for confirmation; cx / keep: 确认取消 / 不取消 of a cancellation; csv: 导出名单.
   */
  a: z.enum(['set', 'go', 'mute', 'ok', 'redo', 'cx', 'keep', 'csv']),
  /** Chat id of the deadline (private cards are not in that chat). */
  c: z.string().max(128).optional(),
  /** Deadline id (mute applies to this deadline only). */
  d: z.string().max(32).optional(),
  /** Stored revision of the chat's deadline the card was rendered from; -1 = there was none. */
  r: z.number().int().min(-1).optional(),
  /** Revision of the group's roster (exclusions) the form was rendered from; -1 = none yet. */
  g: z.number().int().min(-1).optional(),
  /** The admin the form was rendered for (the form's exclusion list leaves them out: the checkbox decides). */
  q: z.string().max(128).optional(),
  /** Id of settings waiting for confirmation. */
  x: z.string().max(32).optional(),
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
  self: 'dl_me',
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

function dlButton(text: string, value: DlValue, o: { type?: 'default' | 'primary' | 'danger'; submit?: string } = {}): El {
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
  /** The group's exclusions (carried from its earlier deadlines). */
  excluded: readonly string[];
  /** Stored revision of the chat's deadline (-1: none). */
  rev: number;
  /** Revision of the group's roster (-1: none). */
  rosterRev?: number;
  /** The admin who asked for the form: left out of the list, the "将本人纳入统计" checkbox decides for them. */
  requester?: { openId: string; name: string };
  /** Whether the checkbox starts ticked (default: not, the setter is not counted). */
  includeSelf?: boolean;
  /** An example title for the placeholder ("2026年度述职报告"). */
  titleExample?: string;
  /** A note at the top (e.g. why a fresh form replaced an expired one). */
  note?: string;
}): El {
  const elements: El[] = [
    input({ name: FORM_FIELDS.title, label: '名称', value: a.title, maxLength: 40, placeholder: `例如：${a.titleExample ?? a.title}` }),
    fieldLabel('截止日期'),
    datePicker({ name: FORM_FIELDS.day, placeholder: '选择截止日期', date: a.day }),
    fieldLabel('截止时间'),
    select({
      name: FORM_FIELDS.time,
      placeholder: '选择截止时间',
      options: TIME_OPTIONS.map((t) => ({ text: t, value: t })),
      value: TIME_OPTIONS.includes(a.time) ? a.time : '18:00',
    }),
    md(`**提醒时间**　${grey('每次均为上午 9:00')}`),
    multiSelect({
      name: FORM_FIELDS.offsets,
      placeholder: '选择提醒时间',
      options: OFFSET_OPTIONS.map((o) => ({ text: o.text, value: String(o.value) })),
      selected: a.offsets.map(String),
    }),
    fieldLabel('提醒方式'),
    checker(FORM_FIELDS.workdays, '仅在工作日提醒（遇周末、法定节假日提前至前一个工作日）', a.workdaysOnly),
    checker(FORM_FIELDS.mention, '群内提醒时 @ 尚未完成的同志', a.mention),
    checker(FORM_FIELDS.private, '同时单独提醒尚未完成的同志', a.private),
    fieldLabel('统计范围'),
    checker(
      FORM_FIELDS.self,
      a.requester ? `将本人（${clip(a.requester.name || '设置人', 20)}）也纳入统计和提醒` : '将本人也纳入统计和提醒',
      a.includeSelf ?? false,
    ),
  ];
  const others = a.members.filter((m) => m.openId !== a.requester?.openId);
  if (others.length > 0 && others.length <= FORM_MAX_MEMBERS) {
    const carried = a.excluded.some((id) => others.some((m) => m.openId === id));
    elements.push(md(grey(`不纳入统计和提醒的人员（如组织部门工作人员）${carried ? '，已沿用本群此前的设置，可修改' : ''}`)));
    elements.push(
      multiSelect({
        name: FORM_FIELDS.exclude,
        placeholder: '选择人员（可不选）',
        options: others.map((m) => ({ text: clip(m.name || m.openId, 30), value: m.openId })),
        selected: a.excluded,
      }),
    );
  } else if (others.length > FORM_MAX_MEMBERS) {
    elements.push(md(grey('如需将部分人员排除在统计之外，请发送“@述职助手 排除 @某某”。')));
  }
  const value: DlValue = { k: 'dl', a: 'set', r: a.rev, ...(a.rosterRev === undefined ? {} : { g: a.rosterRev }) };
  if (a.requester) value.q = a.requester.openId;
  elements.push(dlButton(a.modify ? '保存修改' : '确定', value, { type: 'primary', submit: 'dl_submit' }));
  const intro = [md('请设置截止时间和提醒方式。设置后，我会在群内发布通知、按时提醒，并统计各位同志的完成情况。')];
  if (a.note) intro.unshift(md(grey(escapeMd(a.note))));
  return card({
    title: a.modify ? '修改述职报告截止时间' : '设置述职报告截止时间',
    template: 'blue',
    elements: [...intro, form('dl_form', elements)],
  });
}

/** What the form card becomes once the deadline is set: the announcement itself is a new message below. */
export function setNoteCard(a: { title: string; dueText: string; changed: boolean }): El {
  return card({
    title: a.changed ? '截止时间已修改' : '截止时间已设置',
    template: 'grey',
    summary: `「${a.title}」${a.dueText}`,
    elements: [md(`「${escapeMd(a.title)}」截止时间：${a.dueText}。通知已发布在群内最新消息中。`)],
  });
}

/** A short closing note (a confirmation card after its answer). `text` may carry user text: it is escaped. */
export function noteCard(title: string, text: string): El {
  return card({ title, template: 'grey', elements: [md(escapeMd(text))] });
}

/** Settings of a deadline less than 24 hours away: nothing is announced until an admin confirms. */
export function confirmSetCard(a: {
  title: string;
  dueText: string;
  /** "约 9 小时" */
  leftText: string;
  nudgeDays: readonly string[];
  changed: boolean;
  pendingId: string;
}): El {
  const nudges = a.nudgeDays.length > 0 ? `截止前将于 ${a.nudgeDays.join('、')} 上午 9:00 提醒。` : '截止前已无提醒时间，仅发布通知。';
  return card({
    title: '请确认截止时间',
    template: 'orange',
    summary: `「${a.title}」截止时间待确认`,
    elements: [
      md(
        `${a.changed ? '将截止时间改为' : '截止时间'}：**${a.dueText}**，距现在${a.leftText}，不足 24 小时。\n` +
          `「${escapeMd(a.title)}」${nudges}确认后将在群内发布通知。`,
      ),
      row([
        dlButton('确认发布', { k: 'dl', a: 'ok', x: a.pendingId }, { type: 'primary' }),
        dlButton('重新设置', { k: 'dl', a: 'redo', x: a.pendingId }),
      ]),
      md(grey('仅群主和群管理员可确认；24 小时内未确认将自动失效。')),
    ],
  });
}

/** "@述职助手 取消截止" asks first. */
export function confirmCancelCard(a: { title: string; dueText: string; pendingNudges: number; deadlineId: string; rev: number }): El {
  return card({
    title: '确认取消截止时间',
    template: 'red',
    summary: `确认取消「${a.title}」的截止时间`,
    elements: [
      md(
        `确认取消「${escapeMd(a.title)}」的截止时间（${a.dueText}）？\n` +
          `取消后，${a.pendingNudges > 0 ? `尚未发送的 ${a.pendingNudges} 次提醒和` : ''}截止后的收取情况将不再发送；已生成的述职报告不受影响。`,
      ),
      row([
        dlButton('确认取消', { k: 'dl', a: 'cx', d: a.deadlineId, r: a.rev }, { type: 'danger' }),
        dlButton('不取消', { k: 'dl', a: 'keep', d: a.deadlineId, r: a.rev }),
      ]),
    ],
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
  /** The admin who set it is not counted (the default). */
  setterExcluded?: boolean;
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
  if (v.excludedCount > 0) lines.push(grey(`另有 ${v.excludedCount} 人不纳入统计${v.setterExcluded ? '（含设置人）' : ''}。`));
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

/** In the group after the deadline (once, however long the bot was down): counts only. */
export function summaryCard(a: { title: string; dueText: string; done: number; total: number }): El {
  const all = a.total > 0 && a.done >= a.total;
  return card({
    title: '述职报告已截止',
    template: all ? 'green' : 'blue',
    summary: `「${a.title}」已截止，已完成 ${a.done}/${a.total}`,
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

/**
 * The collector's private view: the links of the submitted reports (complete ones only), and who is still
 * writing (an empty or incomplete report counts as 填写中) or has not started; with a CSV export.
 */
export function collectorCard(a: {
  title: string;
  chatName: string;
  dueText: string;
  closed: boolean;
  done: readonly PersonLine[];
  missing: readonly PersonLine[];
  /** Set: the card offers 导出名单（CSV） for this chat's deadline. */
  exportOf?: { chatId: string; deadlineId: string };
}): El {
  const total = a.done.length + a.missing.length;
  const writing = a.missing.filter((p) => p.status.startsWith('填写中')).length;
  return fitCard(LIST_BUDGETS, (b, trimmed) => {
    const elements: El[] = trimmed ? [trimmedNote()] : [];
    elements.push(
      md(
        `「${escapeMd(a.chatName)}」群 ·「${escapeMd(a.title)}」${a.closed ? '已于' : '将于'} ${a.dueText} 截止。\n` +
          `已提交（内容完整）${a.done.length}/${total}，填写中 ${writing}，未开始 ${a.missing.length - writing}。`,
      ),
    );
    elements.push(md(`**尚未提交（${a.missing.length}）**\n${a.missing.length > 0 ? listBlock(a.missing, b) : '无'}`));
    elements.push(md(`**已提交（内容完整）（${a.done.length}）**\n${a.done.length > 0 ? listBlock(a.done, b) : '暂无'}`));
    elements.push(md(grey('“已提交”指已生成文档，且内容完整（开头概述、主要成绩、存在问题、工作思路均已填写）；内容为空或不完整的计为“填写中”。')));
    if (a.exportOf) elements.push(row([dlButton('导出名单（CSV）', { k: 'dl', a: 'csv', c: a.exportOf.chatId, d: a.exportOf.deadlineId, p: 1 })]));
    return card({
      title: a.closed ? '述职报告收取结果' : '述职报告收取进度',
      template: a.closed ? 'green' : 'blue',
      summary: `「${a.title}」已提交 ${a.done.length}/${total}`,
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
      md(grey('“已完成”指已生成文档且内容完整；内容为空或不完整的计为“填写中”。')),
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
        excluded: ['ou_demo_clerk'],
        rev: -1,
        rosterRev: 2,
        requester: { openId: 'ou_demo_owner', name: '李部长' },
        includeSelf: false,
        titleExample: title,
      }),
    },
    { id: 'deadline/set-note', title: '表单已设置（原表单卡片）', card: setNoteCard({ title, dueText, changed: false }) },
    { id: 'deadline/set', title: '截止时间已设置（群内新消息）', card: deadlineCard({ ...view, setterExcluded: true }, { done: 1, total: 3 }) },
    {
      id: 'deadline/confirm-set',
      title: '不足 24 小时的截止时间（待确认）',
      card: confirmSetCard({ title, dueText: '2027年1月15日（周五）18:00', leftText: '约 9 小时', nudgeDays: ['1月15日 周五'], changed: false, pendingId: 'demo' }),
    },
    {
      id: 'deadline/confirm-cancel',
      title: '取消截止时间（待确认）',
      card: confirmCancelCard({ title, dueText, pendingNudges: 3, deadlineId: 'demo', rev: 3 }),
    },
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
    { id: 'deadline/summary', title: '已截止（群内，截止后一次）', card: summaryCard({ title, dueText, done: 28, total: 30 }) },
    {
      id: 'deadline/collector',
      title: '收取结果（发给设置人）',
      card: collectorCard({
        title,
        chatName: '机关党支部书记群',
        dueText,
        closed: true,
        done: [{ name: '张书记', status: '已提交（内容完整）', url }],
        missing: [
          { name: '李书记', status: '填写中（第 3/12 步）' },
          { name: '赵书记', status: '填写中（已生成文档，尚缺存在问题、工作思路）' },
          { name: '王书记', status: '未开始' },
        ],
        exportOf: { chatId: 'oc_demo', deadlineId: 'demo' },
      }),
    },
    {
      id: 'deadline/progress',
      title: '完成情况（进度）',
      card: progressCard({ title, dueText, closed: false, done: 1, writing: 1, notStarted: 1, total: 3 }),
    },
  ];
}
