// What went wrong while publishing, in the words the card shows, and whether another try can help. Pure.
import { FeishuApiError } from '../feishu/errors.ts';

export type FailureKind =
  | 'permission' // the app may not create or edit documents (1770032, scopes)
  | 'folder_missing' // FEISHU_FOLDER_TOKEN names no folder (1770039)
  | 'folder_forbidden' // the app may not write into the folder (1770040)
  | 'folder_full' // 1770037
  | 'document_gone' // the stored document was deleted (1770002): a fresh one is created on the next try
  | 'outage' // Feishu unreachable, 5xx, rate limits beyond the retry budget
  | 'other';

export interface PublishFailure {
  kind: FailureKind;
  /** Another try may succeed (the job retries these with backoff). */
  transient: boolean;
  /** The Feishu code, -1 when there was none. */
  code: number;
  /** For the card: plain Chinese, ends with what to do. */
  text: string;
}

export const FAILURE_TEXT: Record<FailureKind, string> = {
  permission:
    '“述职助手”暂无在飞书云文档中创建或编辑文档的权限，文档未能生成。请联系本单位飞书管理员为“述职助手”开通云文档权限后，点击“重试”。',
  folder_missing: '设置的文档存放文件夹不存在或已被删除，文档未能生成。请联系管理员检查存放文件夹的设置后，点击“重试”。',
  folder_forbidden:
    '“述职助手”没有文档存放文件夹的编辑权限，文档未能生成。请联系管理员将“述职助手”添加为该文件夹的协作者后，点击“重试”。',
  folder_full: '文档存放文件夹中的文件数量已达上限，文档未能生成。请联系管理员清理或更换存放文件夹后，点击“重试”。',
  document_gone: '原述职报告文档已被删除，将为您重新生成一份文档。请点击“重试”。',
  outage: '飞书服务暂时无法访问，文档未能生成。请稍后点击“重试”。',
  other: '生成文档时遇到问题，文档未能生成。请点击“重试”；如多次失败，请联系管理员。',
};

// 1063002 no permission / 1063004 no share permission on the document (permission-member create page, 2025-07),
// 1061004 the older code.
const PERMISSION_CODES = new Set([1770032, 1063002, 1063004, 1061004, 99991672, 99991673, 10014, 10015]);

/** Classifies anything the publish job can throw. */
export function describePublishFailure(err: unknown): PublishFailure {
  const make = (kind: FailureKind, transient: boolean, code: number): PublishFailure => ({
    kind,
    transient,
    code,
    text: kind === 'other' && code > 0 ? `${FAILURE_TEXT.other}（错误码 ${code}）` : FAILURE_TEXT[kind],
  });
  if (err instanceof FeishuApiError) {
    if (PERMISSION_CODES.has(err.code)) return make('permission', false, err.code);
    if (err.code === 1770039) return make('folder_missing', false, err.code);
    if (err.code === 1770040) return make('folder_forbidden', false, err.code);
    if (err.code === 1770037) return make('folder_full', false, err.code);
    // 1770002 document deleted; 1063005 resource deleted (the permission call on that document).
    if (err.code === 1770002 || err.code === 1063005) return make('document_gone', true, err.code);
    if (err.retryable) return make('outage', true, err.code);
    if (err.terminal) return make('other', false, err.code);
    // Not classified by the port (e.g. an unexpected 4xx): a bug or a bad request; retrying will not help.
    if (err.httpStatus === 0 || err.httpStatus >= 500) return make('outage', true, err.code);
    return make('other', false, err.code);
  }
  // Redis hiccups, a lock held by a concurrent publish, anything else: worth another try.
  return make('other', true, -1);
}
