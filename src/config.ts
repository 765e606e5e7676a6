// The environment, validated once at start-up. Every bad value is named in one error.
import { z } from 'zod';
import { parseSentinels, type RedisTarget } from './store/redis.ts';

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const urlNoSlash = (name: string) =>
  z
    .string()
    .trim()
    .url({ message: `${name} 必须是 http(s) 地址，例如 https://open.feishu.cn` })
    .transform((s) => s.replace(/\/+$/, ''));

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const configSchema = z
  .object({
    FEISHU_APP_ID: optionalString,
    FEISHU_APP_SECRET: optionalString,
    FEISHU_ENCRYPT_KEY: optionalString,
    FEISHU_VERIFICATION_TOKEN: optionalString,
    /**
     * How events and card callbacks arrive: `webhook` (POST /feishu/events; needs a public HTTPS address) or
     * `websocket` (the long connection the bot opens itself; no public address, no encrypt key or token).
     */
    FEISHU_TRANSPORT: z
      .enum(['webhook', 'websocket'], { message: 'FEISHU_TRANSPORT 只能是 webhook（默认）或 websocket（长连接）' })
      .default('webhook'),
    FEISHU_DOMAIN: urlNoSlash('FEISHU_DOMAIN').default('https://open.feishu.cn'),
    FEISHU_DOC_URL_BASE: urlNoSlash('FEISHU_DOC_URL_BASE').optional(),
    FEISHU_FOLDER_TOKEN: optionalString,
    FEISHU_MAX_SKEW_S: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(3600),
    REDIS_URL: z
      .string()
      .trim()
      .regex(/^rediss?:\/\//, { message: 'REDIS_URL 必须以 redis:// 或 rediss:// 开头' })
      .optional(),
    /** Redis Sentinel, instead of REDIS_URL: "host:port,host:port" of the sentinels, and the master's name. */
    REDIS_SENTINELS: optionalString,
    REDIS_SENTINEL_NAME: optionalString,
    /** The master's password when Sentinel is used (with REDIS_URL, put it in the URL). */
    REDIS_PASSWORD: optionalString,
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Default: 0.0.0.0 with a Feishu app; 127.0.0.1 in the playground (its page has no login). */
    HOST: z.string().trim().min(1).optional(),
    BOT_TZ: z
      .string()
      .trim()
      .default('Asia/Shanghai')
      .refine(isTimeZone, { message: 'BOT_TZ 不是有效的 IANA 时区，例如 Asia/Shanghai' }),
    /** Default: info with a Feishu app; warn in the playground (a quiet console: the banner stays in sight). */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    /**
     * 帮我起草: any OpenAI-compatible chat-completions endpoint (a cloud provider, or a model served inside the
     * office network), e.g. https://api.deepseek.com/v1 or http://10.0.0.5:8000/v1. Unset: the feature is absent.
     */
    LLM_BASE_URL: z
      .string()
      .trim()
      .transform((s) => (s === '' ? undefined : s))
      .pipe(z.string().url({ message: 'LLM_BASE_URL 必须是 http(s) 地址，例如 http://10.0.0.5:8000/v1' }).optional())
      .transform((s) => s?.replace(/\/+$/, ''))
      .optional(),
    LLM_API_KEY: optionalString,
    LLM_MODEL: optionalString,
    /** Drafts per secretary per day (Asia/Shanghai or BOT_TZ calendar day). */
    LLM_DAILY_LIMIT: z.coerce
      .number({ message: 'LLM_DAILY_LIMIT 必须是 1 到 10000 之间的整数' })
      .int({ message: 'LLM_DAILY_LIMIT 必须是 1 到 10000 之间的整数' })
      .min(1, { message: 'LLM_DAILY_LIMIT 必须是 1 到 10000 之间的整数' })
      .max(10_000, { message: 'LLM_DAILY_LIMIT 必须是 1 到 10000 之间的整数' })
      .default(30),
  })
  .superRefine((c, ctx) => {
    if (c.FEISHU_APP_ID && !c.FEISHU_APP_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['FEISHU_APP_SECRET'], message: '设置了 FEISHU_APP_ID 时必须同时设置 FEISHU_APP_SECRET' });
    }
    if (c.FEISHU_APP_SECRET && !c.FEISHU_APP_ID) {
      ctx.addIssue({ code: 'custom', path: ['FEISHU_APP_ID'], message: '设置了 FEISHU_APP_SECRET 时必须同时设置 FEISHU_APP_ID' });
    }
    if (c.REDIS_SENTINELS && c.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINELS'], message: 'REDIS_SENTINELS 与 REDIS_URL 只能设置其一' });
    }
    if (Boolean(c.REDIS_SENTINELS) !== Boolean(c.REDIS_SENTINEL_NAME)) {
      ctx.addIssue({ code: 'custom', path: [c.REDIS_SENTINELS ? 'REDIS_SENTINEL_NAME' : 'REDIS_SENTINELS'], message: '使用 Redis Sentinel 时须同时设置 REDIS_SENTINELS（如 10.0.0.1:26379,10.0.0.2:26379）和 REDIS_SENTINEL_NAME（主节点名称）' });
    }
    if (c.REDIS_SENTINELS) {
      try {
        parseSentinels(c.REDIS_SENTINELS);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINELS'], message: 'REDIS_SENTINELS 格式应为 host:port,host:port，例如 10.0.0.1:26379,10.0.0.2:26379' });
      }
    }
    if (c.LLM_BASE_URL && !/^https?:\/\//.test(c.LLM_BASE_URL)) {
      ctx.addIssue({ code: 'custom', path: ['LLM_BASE_URL'], message: 'LLM_BASE_URL 必须是 http(s) 地址，例如 http://10.0.0.5:8000/v1' });
    }
    if (c.LLM_BASE_URL && !c.LLM_MODEL) {
      ctx.addIssue({ code: 'custom', path: ['LLM_MODEL'], message: '设置了 LLM_BASE_URL 时必须同时设置 LLM_MODEL（模型名称，例如 qwen2.5-14b-instruct）' });
    }
    if (!c.LLM_BASE_URL && (c.LLM_MODEL || c.LLM_API_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['LLM_BASE_URL'], message: '设置了 LLM_MODEL 或 LLM_API_KEY 时必须同时设置 LLM_BASE_URL（OpenAI 兼容接口地址，例如 http://10.0.0.5:8000/v1）' });
    }
    // Over the long connection events are neither signed nor encrypted (authenticated when it is opened).
    if (c.FEISHU_APP_ID && c.FEISHU_TRANSPORT === 'webhook' && !c.FEISHU_ENCRYPT_KEY && !c.FEISHU_VERIFICATION_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['FEISHU_ENCRYPT_KEY'],
        message: '以 webhook 方式连接真实飞书应用时必须设置 FEISHU_ENCRYPT_KEY（推荐）或 FEISHU_VERIFICATION_TOKEN，否则无法校验事件来源；也可设置 FEISHU_TRANSPORT=websocket 使用长连接',
      });
    }
  });

type ParsedConfig = z.infer<typeof configSchema>;
export type Config = Omit<ParsedConfig, 'HOST' | 'LOG_LEVEL'> & { HOST: string; LOG_LEVEL: NonNullable<ParsedConfig['LOG_LEVEL']> };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`配置有误 (invalid configuration):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment. Throws a ConfigError naming every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const r = configSchema.safeParse(env);
  if (r.success) {
    const app = r.data.FEISHU_APP_ID !== undefined;
    return { ...r.data, HOST: r.data.HOST ?? (app ? '0.0.0.0' : '127.0.0.1'), LOG_LEVEL: r.data.LOG_LEVEL ?? (app ? 'info' : 'warn') };
  }
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(problems);
}

/** The operator's Redis: REDIS_URL or Sentinel; undefined when neither is set (a private redis-server is started). */
export function redisTargetOf(c: Config): RedisTarget | undefined {
  if (c.REDIS_SENTINELS && c.REDIS_SENTINEL_NAME) {
    return { sentinels: parseSentinels(c.REDIS_SENTINELS), name: c.REDIS_SENTINEL_NAME, ...(c.REDIS_PASSWORD ? { password: c.REDIS_PASSWORD } : {}) };
  }
  return c.REDIS_URL;
}

/** True when no Feishu app is configured: the bot runs against the embedded fake Open Platform. */
export function isPlayground(c: Config): boolean {
  return !c.FEISHU_APP_ID;
}

/** The drafting model (帮我起草), or undefined when LLM_BASE_URL is not set (the feature is then absent). */
export interface LlmSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  dailyLimit: number;
}

export function llmOf(c: Config): LlmSettings | undefined {
  if (!c.LLM_BASE_URL || !c.LLM_MODEL) return undefined;
  return { baseUrl: c.LLM_BASE_URL, model: c.LLM_MODEL, dailyLimit: c.LLM_DAILY_LIMIT, ...(c.LLM_API_KEY ? { apiKey: c.LLM_API_KEY } : {}) };
}
