// User-facing texts of the deadline feature (Chinese, in the register of a Party-affairs office).
// Every example date is computed from today (DeadlineExample), never written out: a fixed date goes stale.
import type { WorkCalendar } from './calendar.ts';
import { addDays, dayOf, splitDay, type Day } from '../time.ts';

/** An example deadline for help texts: a workday about two weeks ahead, and this season's report title. */
export interface DeadlineExample {
  /** "12月16日" */
  short: string;
  /** "2026-12-16" */
  full: Day;
  /** "2026年度述职报告" */
  title: string;
}

export function deadlineExample(now: number, tz: string, calendar: WorkCalendar, title: string): DeadlineExample {
  let day = addDays(dayOf(now, tz), 14);
  for (let i = 0; i < 10 && !calendar.isWorkday(day); i++) day = addDays(day, 1);
  const { month, day: d } = splitDay(day);
  return { short: `${month}月${d}日`, full: day, title };
}

const setExample = (e: DeadlineExample) => `“@述职助手 截止 ${e.short} 18:00 ${e.title}”`;

export const DL_TEXT = {
  notAdmin: '抱歉，设置、修改或取消截止时间需由群主或群管理员操作。如有需要，请联系群主或群管理员。',
  notAdminToast: '抱歉，此操作需由群主或群管理员完成。',
  noDeadline: '本群尚未设置述职报告截止时间。群主或群管理员可发送“@述职助手 设置截止”进行设置。',
  noActiveDeadline: '本群当前没有进行中的截止时间。',
  cancelled: (title: string) => `「${title}」的截止时间已取消，后续提醒不再发送。已生成的述职报告不受影响。`,
  cancelledNote: (title: string) => `已确认取消「${title}」的截止时间，通知已发布在群内最新消息中。`,
  cancelledToast: '已取消截止时间',
  badDate: (e: DeadlineExample) =>
    `未能识别截止日期，请按以下格式发送：\n${setExample(e)}，或“@述职助手 截止 ${e.full}”。\n` +
    '不写时间时默认为当天 18:00；也可发送“@述职助手 设置截止”，在表单中选择日期。',
  pastDate: (e: DeadlineExample) => `该日期已过，请重新设置。例如：${setExample(e)}。`,
  farDate: (e: DeadlineExample) => `该日期距今已超过一年，请重新设置（截止时间需在一年以内）。例如：${setExample(e)}。`,
  pastToast: '该日期已过，请重新设置。',
  farToast: '该日期距今已超过一年，请重新设置。',
  badForm: '请选择截止日期。',
  conflict: '截止时间刚刚已被其他管理员修改，请发送“@述职助手 修改截止”后重新操作。',
  staleForm: '该表单已过期（本群的截止设置已有变更），已更新为最新设置，请核对后重新提交。',
  staleConfirm: '本群的截止设置已有变更，此确认已失效，请重新操作。',
  confirmExpired: '此确认已过期，请重新设置截止时间。',
  excludeUsage: '请在命令后 @ 需要排除的同志，例如“@述职助手 排除 @张三”。被排除的同志不纳入统计和提醒，本群今后的截止时间沿用此设置。',
  includeUsage: '请在命令后 @ 需要恢复统计的同志，例如“@述职助手 恢复 @张三”。',
  excluded: (names: string) => `已将 ${names} 排除在统计和提醒之外。本群今后设置的截止时间将沿用此设置。`,
  included: (names: string) => `已将 ${names} 恢复纳入统计和提醒。`,
  openedPrivately: '已在与“述职助手”的单聊中为您打开填写卡片，请在单聊中继续填写。',
  muted: '好的，本次截止不再单独提醒您。',
  badAction: '该卡片已失效，请重新操作。',
  saved: '截止时间已设置，通知已发送至群内。',
  unchanged: (title: string, dueText: string) => `「${title}」的截止时间已是 ${dueText}，无需重复设置。如需调整提醒方式，请发送“@述职助手 修改截止”。`,
  confirmFirst: '截止时间距现在不足 24 小时，请确认后再发布。',
  kept: '已保留原截止时间，未作更改。',
  exporting: '正在导出名单，稍后将以文件形式发送给您。',
  exportNone: '没有找到对应的截止时间，无法导出。',
  help: (e: DeadlineExample) =>
    '截止时间的设置方法（仅群主和群管理员可操作）：\n' +
    '· “@述职助手 设置截止”：在表单中选择截止日期、时间和提醒方式；\n' +
    `· ${setExample(e)}：直接设置，不写时间默认为 18:00；\n` +
    '· “@述职助手 修改截止”“@述职助手 取消截止”：调整或取消（取消前需确认）；\n' +
    '· “@述职助手 排除 @某某”“@述职助手 恢复 @某某”：不纳入或恢复纳入统计和提醒，本群今后的截止时间沿用；\n' +
    '· “@述职助手 进度”：查看完成情况（群内只显示人数，名单私下发送给管理员）。\n' +
    '设置人本人默认不纳入统计；距截止不足 24 小时的设置需确认后发布。',
} as const;
