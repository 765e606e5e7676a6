// npm run reset: starts the playground afresh. Clears the demo data the playground keeps in its own
// redis-server (./var/redis): report sessions, the activity ledger, deadlines, generated documents. A running
// playground is asked to reset itself (its Redis is live and its chats are in its memory; open pages reload);
// otherwise the Redis files are removed and the next `npm start` begins with an empty chat and the welcome card.
// Never touches a REDIS_URL the operator set, nor a folder that ever held a real Feishu app's data.
import { rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { readMode, redisDataFiles, runningInstance } from '../src/playground/instance.ts';

const dir = resolve(process.argv[2] ?? 'var/redis');
const shown = `./${relative(process.cwd(), dir) || '.'}`;
const say = (s: string) => process.stdout.write(`${s}\n`);
function fail(s: string): never {
  process.stderr.write(`${s}\n`);
  process.exit(1);
}

if (process.env.REDIS_URL) {
  fail(
    `已设置 REDIS_URL：体验环境的数据保存在该 Redis 中。本命令只清除体验环境自带的 Redis（${shown}），` +
      '不会清除 REDIS_URL 指向的 Redis；如确需清空，请由管理员在该 Redis 上操作。',
  );
}
if (readMode(dir) === 'feishu') {
  fail(`${shown} 中保存过连接真实飞书应用时的数据，为避免误删，本命令不予清除。`);
}

const running = runningInstance(dir);
if (running) {
  let res: Response;
  try {
    res = await fetch(`${running.url}/playground/api/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  } catch (e) {
    fail(`体验环境正在运行（进程 ${running.pid}），但无法连接 ${running.url}：${(e as Error).message}。请先停止它（Ctrl-C）再运行 npm run reset。`);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) fail(`重置失败：${body.error ?? `HTTP ${res.status}`}`);
  say(`已重置正在运行的体验环境（${running.url}/）：演示数据已清空，打开的页面会自动刷新。`);
} else {
  const files = redisDataFiles(dir);
  if (files.length === 0) {
    say(`没有需要清除的演示数据（${shown} 中没有 Redis 数据）。`);
  } else {
    for (const f of files) rmSync(f, { recursive: true, force: true });
    say(`已清除体验环境的演示数据（${shown}）。下次 npm start 将从空白的会话和欢迎卡片开始。`);
  }
}
