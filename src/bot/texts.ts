// User-facing texts of the bot (Chinese, in the register of a Party-affairs office).
export const TEXT = {
  groupRedirect: '已在与“述职助手”的单聊中为您打开述职报告，请在单聊中继续填写。',
  groupHelp:
    '您好！如需撰写述职报告，请 @我 并发送“写述职报告”，我会在单聊中为您打开填写卡片。\n' +
    // Deadline examples are computed from today by the deadline feature (截止帮助), never written here.
    '群主或群管理员如需设置述职报告截止时间，请 @我 并发送“截止帮助”查看设置方法。',
  botAdded:
    '大家好，我是述职助手，协助各位书记撰写年度《书记抓基层党建工作述职报告》。\n' +
    '· @我 并发送“写述职报告”，即可在单聊中开始填写；\n' +
    '· 填写内容仅本人可见，群内不会展示任何个人的填写情况。',
  sessionUnreadable: '原有的填写记录因版本更新已无法读取，已为您重新开始填写，给您带来不便，敬请谅解。',
  sessionMissing: '没有找到对应的填写记录，可能已过期。请发送“写述职报告”重新开始。',
  conflict: '操作过于频繁，已为您刷新为最新内容，请再试一次。',
  publishUnavailable: '已保存。生成飞书文档的功能正在建设中，暂时无法生成，请稍后再试。',
  unsupportedMessage: '暂不支持此类消息。发送“写述职报告”即可开始或继续填写述职报告。',
} as const;

/** Words that start or resume the walk-through (also after an @ in a group). */
export const ENTRY_WORDS = ['写述职报告', '述职报告', '开始', '/report', 'report', '继续', '继续填写', '述职'];

export function isEntryWord(text: string): boolean {
  const t = text.replace(/\s+/g, '').replace(/[。！!.]+$/, '').toLowerCase();
  return ENTRY_WORDS.some((w) => t === w.toLowerCase());
}
