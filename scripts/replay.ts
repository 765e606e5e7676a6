// npm run replay -- FILE [--url http://127.0.0.1:3000/feishu/events]
// Sends a recorded event (a schema-2.0 envelope, e.g. test/fixtures/events/*.json) to the bot, encrypted and signed
// with FEISHU_ENCRYPT_KEY exactly as Feishu does (plain when no key is set). A fresh event_id is used unless --same-id.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encryptPayload, randomNonce, signBody } from '../src/feishu/crypto.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const urlIdx = args.indexOf('--url');
const url = urlIdx >= 0 ? args[urlIdx + 1] : 'http://127.0.0.1:3000/feishu/events';
if (!file || !url) {
  process.stderr.write('用法：npm run replay -- 事件文件.json [--url 地址] [--same-id]\n');
  process.exit(2);
}
const payload = JSON.parse(readFileSync(file, 'utf8')) as { header?: { event_id?: string; token?: string } };
if (payload.header && !args.includes('--same-id')) payload.header.event_id = randomUUID();
if (payload.header && process.env.FEISHU_VERIFICATION_TOKEN) payload.header.token = process.env.FEISHU_VERIFICATION_TOKEN;
const key = process.env.FEISHU_ENCRYPT_KEY;
const body = key ? JSON.stringify({ encrypt: encryptPayload(key, JSON.stringify(payload)) }) : JSON.stringify(payload);
const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
if (key) {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomNonce();
  headers['x-lark-request-timestamp'] = ts;
  headers['x-lark-request-nonce'] = nonce;
  headers['x-lark-signature'] = signBody(ts, nonce, key, body);
}
const res = await fetch(url, { method: 'POST', headers, body });
process.stdout.write(`${res.status} ${await res.text()}\n`);
process.exit(res.ok ? 0 : 1);
