// The environment, validated once at start-up. Every bad value is named in one error.
import { z } from 'zod';

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
    FEISHU_DOMAIN: urlNoSlash('FEISHU_DOMAIN').default('https://open.feishu.cn'),
    FEISHU_DOC_URL_BASE: urlNoSlash('FEISHU_DOC_URL_BASE').optional(),
    FEISHU_FOLDER_TOKEN: optionalString,
    FEISHU_MAX_SKEW_S: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(3600),
    REDIS_URL: z
      .string()
      .trim()
      .regex(/^rediss?:\/\//, { message: 'REDIS_URL 必须以 redis:// 或 rediss:// 开头' })
      .optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Default: 0.0.0.0 with a Feishu app; 127.0.0.1 in the playground (its page has no login). */
    HOST: z.string().trim().min(1).optional(),
    BOT_TZ: z
      .string()
      .trim()
      .default('Asia/Shanghai')
      .refine(isTimeZone, { message: 'BOT_TZ 不是有效的 IANA 时区，例如 Asia/Shanghai' }),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((c, ctx) => {
    if (c.FEISHU_APP_ID && !c.FEISHU_APP_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['FEISHU_APP_SECRET'], message: '设置了 FEISHU_APP_ID 时必须同时设置 FEISHU_APP_SECRET' });
    }
    if (c.FEISHU_APP_SECRET && !c.FEISHU_APP_ID) {
      ctx.addIssue({ code: 'custom', path: ['FEISHU_APP_ID'], message: '设置了 FEISHU_APP_SECRET 时必须同时设置 FEISHU_APP_ID' });
    }
    if (c.FEISHU_APP_ID && !c.FEISHU_ENCRYPT_KEY && !c.FEISHU_VERIFICATION_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['FEISHU_ENCRYPT_KEY'],
        message: '连接真实飞书应用时必须设置 FEISHU_ENCRYPT_KEY（推荐）或 FEISHU_VERIFICATION_TOKEN，否则无法校验事件来源',
      });
    }
  });

type ParsedConfig = z.infer<typeof configSchema>;
export type Config = Omit<ParsedConfig, 'HOST'> & { HOST: string };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`配置有误 (invalid configuration):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment. Throws a ConfigError naming every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const r = configSchema.safeParse(env);
  if (r.success) return { ...r.data, HOST: r.data.HOST ?? (r.data.FEISHU_APP_ID ? '0.0.0.0' : '127.0.0.1') };
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(problems);
}

/** True when no Feishu app is configured: the bot runs against the embedded fake Open Platform. */
export function isPlayground(c: Config): boolean {
  return !c.FEISHU_APP_ID;
}
