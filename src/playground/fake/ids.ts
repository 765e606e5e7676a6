// Identifier factories in Feishu's formats. Random parts come from node:crypto; derived ids (a user's
// union_id, the bot's open_id) are stable hashes so that two runs of a test see the same ids.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomAlnum(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[(bytes[i] ?? 0) % ALNUM.length];
  return s;
}

function hex(n: number): string {
  return randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
}

function stableHex(seed: string, n: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, n);
}

export const newId = {
  tenantToken: () => `t-g1${hex(6)}${randomAlnum(34)}`,
  message: () => `om_${hex(32)}`,
  thread: () => `omt_${hex(14)}`,
  chat: () => `oc_${hex(32)}`,
  document: () => `doxcn${randomAlnum(22)}`,
  block: () => `doxcn${randomAlnum(22)}`,
  file: () => `file_v3_00${hex(3)}_${randomUUID()}`,
  cardToken: () => `c-${hex(40)}`,
  eventId: () => randomUUID().replace(/-/g, ''),
  logId: () => `${hex(26)}`.toUpperCase(),
};

export function p2pChatIdOf(appId: string, openId: string): string {
  return `oc_${stableHex(`p2p:${appId}:${openId}`, 32)}`;
}

export function unionIdOf(openId: string): string {
  return `on_${stableHex(`union:${openId}`, 32)}`;
}

export function userIdOf(openId: string): string {
  return stableHex(`user:${openId}`, 8);
}

export function botOpenIdOf(appId: string): string {
  return `ou_${stableHex(`bot:${appId}`, 32)}`;
}

export function defaultTenantKey(appId: string): string {
  return stableHex(`tenant:${appId}`, 16);
}
