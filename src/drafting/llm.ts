// The drafting model: any OpenAI-compatible chat-completions endpoint, through the official `openai` client with
// its `baseURL`. One call, no retries (a failure is shown on the card at once), a hard timeout.
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatMessage } from '../report/draft.ts';

export type LlmOutcome = 'ok' | 'timeout' | 'rate_limited' | 'server_error' | 'empty' | 'error';

export interface LlmAnswer {
  outcome: LlmOutcome;
  /** The answer's text (outcome ok only). */
  text?: string;
  promptTokens: number;
  completionTokens: number;
  ms: number;
  /** HTTP status of a failed call, when there was one. */
  status?: number;
}

export interface Llm {
  readonly model: string;
  /** The endpoint's host, as the card names it (where the text goes). */
  readonly host: string;
  complete(messages: ChatMessage[]): Promise<LlmAnswer>;
}

export const LLM_TIMEOUT_MS = 30_000;

export function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

export function createLlm(o: { baseUrl: string; apiKey?: string; model: string; timeoutMs?: number; maxTokens?: number }): Llm {
  const client = new OpenAI({
    baseURL: o.baseUrl,
    // A model served on the office network often needs no key; the client wants one anyway.
    apiKey: o.apiKey ?? 'not-needed',
    timeout: o.timeoutMs ?? LLM_TIMEOUT_MS,
    maxRetries: 0,
  });
  return {
    model: o.model,
    host: hostOf(o.baseUrl),
    async complete(messages) {
      const t0 = performance.now();
      const ms = () => Math.round(performance.now() - t0);
      try {
        const r = await client.chat.completions.create({
          model: o.model,
          messages,
          temperature: 0.3,
          max_tokens: o.maxTokens ?? 1200,
        });
        const usage = { promptTokens: r.usage?.prompt_tokens ?? 0, completionTokens: r.usage?.completion_tokens ?? 0 };
        const text = r.choices?.[0]?.message?.content ?? '';
        if (typeof text !== 'string' || text.trim() === '') return { outcome: 'empty', ...usage, ms: ms() };
        return { outcome: 'ok', text, ...usage, ms: ms() };
      } catch (e) {
        const base = { promptTokens: 0, completionTokens: 0, ms: ms() };
        if (e instanceof APIConnectionTimeoutError || e instanceof APIUserAbortError) return { outcome: 'timeout', ...base };
        if (e instanceof APIError && typeof e.status === 'number') {
          if (e.status === 429) return { outcome: 'rate_limited', status: 429, ...base };
          if (e.status >= 500) return { outcome: 'server_error', status: e.status, ...base };
          return { outcome: 'error', status: e.status, ...base };
        }
        // A 200 whose body is not JSON (a proxy's page) or a connection refused.
        return { outcome: 'error', ...base };
      }
    },
  };
}
