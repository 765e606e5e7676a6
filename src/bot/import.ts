// Importing last year's report: pasted (several messages are joined) or sent as a .docx file. The text is
// buffered in Redis, checked, and shown with 导入 / 取消; 导入 attaches the split report to the user's session,
// which shows last year's text beside each prompt and adds the 整改情况 step.
import type { Redis } from 'ioredis';
import { importDoneCard, importReceivedCard } from '../../cards/import.ts';
import type { CallbackAnswer } from '../feishu/edge.ts';
import type { FeishuPort } from '../feishu/port.ts';
import { safeJobId } from '../jobs/queue.ts';
import { docxToText, NotADocx } from '../report/docx-text.ts';
import { splitReport } from '../report/import.ts';
import { lintReport } from '../report/lint/index.ts';
import { DUTY_REPORT } from '../report/template.ts';
import { attachImport, resumeCard } from '../report/walkthrough.ts';
import { KEY_PREFIX } from '../store/redis.ts';
import type { SessionStore } from '../store/sessions.ts';
import type { CardActionEvent, Feature, MessageEvent } from './feature.ts';
import type { BotLogger } from './index.ts';
import type { WalkthroughHandler } from './walkthrough.ts';

const BUFFER_TTL_S = 30 * 60;
/** A pasted text this long (without whitespace) that reads like a report starts an import. */
const MIN_REPORT_CHARS = 300;
/** While an import is open, a message this long continues it. */
const MIN_CONTINUATION_CHARS = 80;
const MAX_IMPORT_CHARS = 60_000;

const TEXT = {
  notDocx: '未能读取该文件。请发送 Word（.docx）格式的去年述职报告，或直接把报告全文粘贴到对话框中。',
  wrongType: '目前只支持导入 Word（.docx）格式的文件。如是 .doc 或 PDF 文件，请另存为 .docx，或直接粘贴报告全文。',
  tooLong: `报告内容超过 ${MAX_IMPORT_CHARS} 字，无法导入。请只粘贴去年的述职报告正文。`,
  expired: '导入内容已过期（超过 30 分钟），请重新粘贴或发送文件。',
  cancelled: '已取消导入，已收到的内容已删除。',
  nothing: '没有识别出报告的结构（如“一、”“（一）”等标题），请检查粘贴的内容是否完整。',
  done: (sections: number, problems: number) =>
    `已导入去年的述职报告：成绩部分 ${sections} 个小节、存在问题 ${problems} 条。填写每一步时，卡片中会显示去年对应部分供参考。`,
} as const;

function chars(text: string): number {
  return [...text.replace(/\s+/g, '')].length;
}

export function looksLikeReport(text: string): boolean {
  if (chars(text) < MIN_REPORT_CHARS) return false;
  const headings = text.split('\n').filter((l) => /^\s*[一二三四五六七八九十]+、/.test(l)).length;
  return headings >= 1 || /述职报告/.test(text);
}

interface Buffered {
  parts: string[];
  fileName?: string;
  cardMessageId?: string;
}

export function createImportFeature(d: {
  redis: Redis;
  port: FeishuPort;
  sessions: SessionStore;
  walkthrough: WalkthroughHandler;
  logger: BotLogger;
  now: () => number;
  tz: string;
}): Feature {
  const key = (tenantKey: string, openId: string) => `${KEY_PREFIX}import:${tenantKey || '-'}:${openId}`;

  async function load(k: string): Promise<Buffered | null> {
    const raw = await d.redis.get(k);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as Buffered;
    } catch {
      return null;
    }
  }

  function summary(b: Buffered) {
    const text = b.parts.join('\n');
    const imported = splitReport(text, DUTY_REPORT);
    return {
      text,
      imported,
      card: importReceivedCard({
        chars: chars(text),
        parts: b.parts.length,
        ...(imported.title ? { title: imported.title } : {}),
        sections: imported.sections.filter((s) => s.templateId).length,
        problems: imported.problems.length,
        findings: lintReport(text, imported.year ? { year: imported.year } : {}),
        ...(b.fileName ? { fileName: b.fileName } : {}),
      }),
    };
  }

  async function reply(ev: MessageEvent, text: string): Promise<void> {
    await d.port.replyMessage({ messageId: ev.messageId, msgType: 'text', content: { text }, uuid: safeJobId('imp', ev.messageId).slice(0, 50), chatId: ev.chatId });
  }

  async function receive(ev: MessageEvent, text: string, fileName?: string): Promise<void> {
    const k = key(ev.tenantKey, ev.senderOpenId);
    const b: Buffered = fileName ? { parts: [text], fileName } : ((await load(k)) ?? { parts: [] });
    if (!fileName) b.parts.push(text);
    if (chars(b.parts.join('')) > MAX_IMPORT_CHARS) {
      await reply(ev, TEXT.tooLong);
      return;
    }
    const { card } = summary(b);
    if (b.cardMessageId && !fileName) {
      await d.port.patchCard(b.cardMessageId, card);
    } else {
      const sent = await d.port.sendMessage({
        receiveIdType: 'chat_id',
        receiveId: ev.chatId,
        msgType: 'interactive',
        content: card,
        uuid: safeJobId('impc', ev.messageId).slice(0, 50),
      });
      b.cardMessageId = sent.messageId;
    }
    await d.redis.set(k, JSON.stringify(b), 'EX', BUFFER_TTL_S);
  }

  return {
    name: 'import',
    actionKinds: ['imp'],
    async onMessage(ev) {
      if (ev.chatType !== 'p2p') return false;
      if (ev.messageType === 'file') {
        if (!ev.fileKey) return false;
        const name = ev.fileName ?? '';
        if (!/\.docx$/i.test(name)) {
          if (/述职|报告/.test(name)) {
            await reply(ev, TEXT.wrongType);
            return true;
          }
          return false;
        }
        let text: string;
        try {
          const data = await d.port.downloadResource({ messageId: ev.messageId, fileKey: ev.fileKey, type: 'file' });
          text = await docxToText(data);
        } catch (e) {
          if (e instanceof NotADocx) {
            await reply(ev, TEXT.notDocx);
            return true;
          }
          throw e;
        }
        await receive(ev, text, name);
        return true;
      }
      const text = ev.text;
      const open = (await d.redis.exists(key(ev.tenantKey, ev.senderOpenId))) === 1;
      if (looksLikeReport(text) || (open && chars(text) >= MIN_CONTINUATION_CHARS)) {
        await receive(ev, text);
        return true;
      }
      return false;
    },
    async onAction(ev: CardActionEvent): Promise<CallbackAnswer> {
      const k = key(ev.tenantKey, ev.operatorOpenId);
      const b = await load(k);
      if (!b) return { toast: { type: 'warning', content: TEXT.expired }, card: { type: 'raw', data: importDoneCard(TEXT.expired) } };
      if (ev.value.a === 'cancel') {
        await d.redis.del(k);
        return { toast: { type: 'info', content: TEXT.cancelled }, card: { type: 'raw', data: importDoneCard(TEXT.cancelled) } };
      }
      const { imported } = summary(b);
      if (imported.sections.length === 0 && imported.problems.length === 0) return { toast: { type: 'warning', content: TEXT.nothing } };
      for (let attempt = 0; attempt < 3; attempt++) {
        const { session } = await d.walkthrough.startOrResume(ev.tenantKey, ev.operatorOpenId);
        const next = attachImport(session, imported, d.now());
        if (!next) return { toast: { type: 'error', content: TEXT.nothing } };
        const skey = (await d.sessions.byId(session.id))?.key;
        if (!skey) continue;
        if (await d.sessions.save(skey, session.rev, next)) {
          await d.redis.del(k);
          const done = TEXT.done(imported.sections.filter((s) => s.templateId).length, imported.problems.length);
          const card = resumeCard(next, { now: d.now(), tz: d.tz, operatorOpenId: ev.operatorOpenId });
          return { toast: { type: 'success', content: done }, card: { type: 'raw', data: card } };
        }
      }
      throw new Error('could not attach the import: the session kept changing');
    },
  };
}
