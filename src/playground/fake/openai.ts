// A fake OpenAI-compatible chat-completions endpoint (POST /v1/chat/completions) on the fake Open Platform's
// server, for 帮我起草 in the tests and the playground. Its drafts are built from the request only (the section,
// the typed text, the activity counts), so the same request always gets the same draft, and it never knows
// anything a request did not carry. Faults are injected per call: slow, 429, 5xx, empty, garbage, plus
// `invent` (a figure that is in no input) and `markup` (the answer wrapped in chat Markdown).
//
// Shapes follow the OpenAI API reference (chat.completion object; errors as {error:{message,type,code}}).
import type { Route } from './server.ts';

export type LlmFault =
  | { kind: 'slow'; ms: number }
  | { kind: 'status'; status: 429 | 500 | 502 | 503 }
  | { kind: 'empty' }
  | { kind: 'garbage' }
  | { kind: 'invent' }
  | { kind: 'markup' };

export interface FakeLlm {
  /** The next `times` calls get `fault` (queued after any earlier ones). */
  failNext(fault: LlmFault, times?: number): void;
  /** Every call: the model asked for, the number of messages, the time taken. No content is kept. */
  readonly calls: Array<{ model: string; messages: number; promptChars: number; ms: number; status: number }>;
  /** The route to register on the fake's server. */
  route(): Route;
}

interface Msg {
  role: string;
  content: string;
}

const LABEL = /^【(.+?)】(.*)$/;

/** The user message's 【label】value lines (see src/report/draft.ts PROMPT_LABELS). */
function fieldsOf(user: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current = '';
  for (const line of user.split('\n')) {
    const m = LABEL.exec(line);
    if (m) {
      current = m[1]!;
      out[current] = m[2]!;
    } else if (current) out[current] += `\n${line}`;
  }
  return out;
}

const none = (v: string | undefined) => !v || v === '（无）' || v === '（未填写）';

/** A deterministic draft in the register, from the request's own material. */
export function fakeDraft(messages: readonly Msg[]): string {
  const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const f = fieldsOf(user);
  const named = (f['小节'] ?? '').replace(/^.*?）/, '').replace(/^[一二三四五六七八九十]+、/, '');
  const heading = !named || named === '开头段落' ? '抓基层党建工作' : named;
  const year = (f['年度'] ?? '').replace(/年$/, '');
  const unit = none(f['单位']) ? '本单位' : f['单位']!;
  const typed = none(f['已输入']) ? '' : f['已输入']!.trim();
  const polish = (f['任务'] ?? '').startsWith('对【已输入】的段落进行润色');
  if (polish) {
    const body = typed.replace(/[。；;，,\s]+$/, '');
    return `经认真梳理，${body}。下一步，我将持续巩固已有成效，推动各项工作落实落细。`;
  }
  const acts = none(f['活动记录']) ? [] : f['活动记录']!.split('；').filter(Boolean);
  const facts = acts.length > 0 ? `全年${acts.map((a) => a.replace(/(\d+)次$/, '$1次')).join('、')}，` : '';
  const lead = typed ? `${typed.replace(/[。；\s]+$/, '')}。` : '';
  return [
    `${year ? `${year}年，` : ''}${lead}我认真履行党建工作第一责任人职责，围绕“${heading}”，结合${unit}实际抓好各项工作落实。`,
    `一是坚持以上率下，${facts}推动学习教育和组织生活常态化、制度化；`,
    '二是注重统筹结合，把党建工作与业务工作同谋划、同部署、同落实，引导党员在岗位上发挥先锋模范作用；',
    '三是加强督促检查，对发现的问题及时研究解决，确保各项任务落到实处。',
  ].join('');
}

function tokensOf(text: string): number {
  // About 1.5 Chinese characters per token (a common tokenizer's ratio); deterministic.
  return Math.max(1, Math.ceil([...text].length / 1.5));
}

export function createFakeLlm(): FakeLlm {
  const queue: Array<{ fault: LlmFault; left: number }> = [];
  const calls: FakeLlm['calls'] = [];
  let seq = 0;
  const take = (): LlmFault | undefined => {
    const f = queue[0];
    if (!f) return undefined;
    f.left -= 1;
    if (f.left <= 0) queue.shift();
    return f.fault;
  };
  const error = (status: number, message: string, type: string, code: string | null) => ({
    status,
    body: { error: { message, type, param: null, code } },
  });
  return {
    calls,
    failNext(fault, times = 1) {
      queue.push({ fault, left: times });
    },
    route(): Route {
      return {
        api: 'openai.chat.completions',
        method: 'POST',
        pattern: '/v1/chat/completions',
        auth: false,
        invalidCode: 0,
        async handler(req) {
          const t0 = performance.now();
          const body = (req.body ?? {}) as { model?: unknown; messages?: unknown };
          const messages = Array.isArray(body.messages)
            ? (body.messages as unknown[]).flatMap((m) => {
                const x = m as { role?: unknown; content?: unknown };
                return typeof x?.role === 'string' && typeof x.content === 'string' ? [{ role: x.role, content: x.content }] : [];
              })
            : [];
          const model = typeof body.model === 'string' ? body.model : '';
          // The record keeps no text of the request.
          req.recordBody = { model, messages: messages.length };
          const record = (status: number) =>
            calls.push({ model, messages: messages.length, promptChars: messages.reduce((n, m) => n + [...m.content].length, 0), ms: Math.round(performance.now() - t0), status });
          const auth = req.headers.authorization;
          if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) {
            record(401);
            return error(401, 'You didn\'t provide an API key.', 'invalid_request_error', 'invalid_api_key');
          }
          if (!model || messages.length === 0) {
            record(400);
            return error(400, "'messages' and 'model' are required", 'invalid_request_error', null);
          }
          let fault = take();
          if (fault?.kind === 'slow') {
            await new Promise((r) => setTimeout(r, fault && fault.kind === 'slow' ? fault.ms : 0));
            fault = undefined;
          }
          if (fault?.kind === 'status') {
            record(fault.status);
            return fault.status === 429
              ? { ...error(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded'), headers: { 'retry-after': '20' } }
              : error(fault.status, 'The server had an error while processing your request.', 'server_error', null);
          }
          let content = fakeDraft(messages);
          if (fault?.kind === 'empty') content = '';
          if (fault?.kind === 'garbage') content = '{"error": null, "tokens": [0.12, 0.98, 0.33], "ok": true}';
          if (fault?.kind === 'invent') content = content.replace('一是坚持以上率下，', '一是坚持以上率下，全年累计开展活动99次，');
          if (fault?.kind === 'markup') content = `好的，以下是本节初稿：\n\n\`\`\`markdown\n**${content}**\n\`\`\`\n\n如需调整，请告诉我。`;
          const prompt = messages.reduce((n, m) => n + tokensOf(m.content), 0);
          const completion = content ? tokensOf(content) : 0;
          seq += 1;
          record(200);
          return {
            status: 200,
            body: {
              id: `chatcmpl-fake${String(seq).padStart(6, '0')}`,
              object: 'chat.completion',
              created: Math.floor(Date.now() / 1000),
              model,
              choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
              usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
            },
          };
        },
      };
    },
  };
}
