// User-facing texts of the deadline feature (Chinese, in the register of a Party-affairs office).
export const DL_TEXT = {
  notAdmin: '抱歉，设置、修改或取消截止时间需由群主或群管理员操作。如有需要，请联系群主或群管理员。',
  notAdminToast: '抱歉，此操作需由群主或群管理员完成。',
  noDeadline: '本群尚未设置述职报告截止时间。群主或群管理员可发送“@述职助手 设置截止”进行设置。',
  noActiveDeadline: '本群当前没有进行中的截止时间。',
  cancelled: (title: string) => `已取消「${title}」的截止时间，后续提醒不再发送。`,
  badDate:
    '未能识别截止日期，请按以下格式发送：\n“@述职助手 截止 2025-01-15 述职报告”或“@述职助手 截止 1月15日 18:00”。\n截止时间需晚于当前时间，且在一年以内。',
  badForm: '截止日期未填写或已过，请选择今后一年内的日期和时间。',
  conflict: '截止时间刚刚已被其他管理员修改，请发送“@述职助手 修改截止”后重新操作。',
  excludeUsage: '请在命令后 @ 需要排除的同志，例如“@述职助手 排除 @张三”。',
  includeUsage: '请在命令后 @ 需要恢复统计的同志，例如“@述职助手 恢复 @张三”。',
  excluded: (n: number) => `已将 ${n} 位同志排除在统计和提醒之外。`,
  included: (n: number) => `已将 ${n} 位同志恢复纳入统计和提醒。`,
  needDeadlineFirst: '请先设置截止时间（发送“@述职助手 设置截止”）。',
  openedPrivately: '已在与“述职助手”的单聊中为您打开填写卡片，请在单聊中继续填写。',
  muted: '好的，本次截止不再单独提醒您。',
  badAction: '该卡片已失效，请重新操作。',
  groupOnly: '截止提醒需在群聊中设置。',
  saved: '截止时间已保存。',
} as const;
