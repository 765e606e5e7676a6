// The playground page: a small chat client over the playground API. It shows the chats of the chosen demo
// identity, renders messages with the shared pure renderer, and turns typing and clicking into API calls that
// the embedded fake Open Platform delivers to the bot exactly as Feishu would (signed events, card callbacks).
// Plain TypeScript, bundled by esbuild when the bot starts.
import { elementAt } from '../render/card.ts';
import { escapeHtml } from '../render/html.ts';
import { renderMessageBody } from '../render/message.ts';
import { zonedMs, zoneOffsetMs } from '../../time.ts';
// The API's own view types (type-only: nothing of the server is bundled).
import type { ChatView, DemoUser, MessageView } from '../api.ts';

type Obj = Record<string, unknown>;

interface ClickAnswer {
  status: number;
  toast?: { type: string; content: string };
  errorCode?: number;
  updated: boolean;
}

const state = {
  bot: { openId: '', name: '述职助手' },
  users: [] as DemoUser[],
  group: { chatId: '', name: '' },
  tz: 'Asia/Shanghai',
  clockOffset: 0,
  as: '',
  chatId: '',
  chats: [] as ChatView[],
  messages: new Map<string, MessageView>(),
  shownChat: '',
};

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// --- HTTP -----------------------------------------------------------------------------------------------

class ApiError extends Error {}

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const data = (await res.json().catch(() => ({}))) as Obj;
  if (!res.ok) throw new ApiError(typeof data.error === 'string' ? data.error : `请求失败（${res.status}）`);
  return data as T;
}

// --- toasts and confirm dialogs -------------------------------------------------------------------------

function toast(type: string, content: string): void {
  const el = document.createElement('div');
  const kind = ['info', 'success', 'error', 'warning'].includes(type) ? type : 'info';
  el.className = `toast toast-${kind}`;
  el.textContent = content;
  const box = $('toasts');
  box.append(el);
  // At most three at a time, the newest last.
  while (box.childElementCount > 3) box.firstElementChild?.remove();
  setTimeout(() => el.classList.add('toast-out'), 2600);
  setTimeout(() => el.remove(), 3000);
}

const CLIENT_ERRORS: Record<number, string> = {
  200340: '回调地址未配置',
  200341: '请求超时，请稍后重试',
  200342: '网络连接失败，请稍后重试',
  200671: '出错了，请稍后重试',
  200672: '回调返回的内容格式有误',
  200673: '卡片内容有误，无法更新',
  200830: '卡片版本不兼容，无法更新',
};

function confirmDialog(title: string, text: string): Promise<boolean> {
  const modal = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  modal.hidden = false;
  const ok = $('confirm-ok');
  ok.focus();
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      modal.hidden = true;
      ok.removeEventListener('click', yes);
      $('confirm-cancel').removeEventListener('click', no);
      modal.removeEventListener('keydown', key);
      resolve(v);
    };
    const yes = () => done(true);
    const no = () => done(false);
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') done(false);
    };
    ok.addEventListener('click', yes);
    $('confirm-cancel').addEventListener('click', no);
    modal.addEventListener('keydown', key);
  });
}

// --- time -----------------------------------------------------------------------------------------------

const now = () => Date.now() + state.clockOffset;

function fmt(ms: number, o: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: state.tz, ...o }).format(new Date(ms));
}

function dayKey(ms: number): string {
  return fmt(ms, { year: 'numeric', month: '2-digit', day: '2-digit' });
}

/** "2026-12-20T09:00" as a wall time in the zone → ms. */
function zonedToMs(local: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return null;
  return zonedMs(`${m[1]}-${m[2]}-${m[3]}`, Number(m[4]), Number(m[5]), state.tz);
}

function zoneSuffix(): string {
  const off = Math.round(zoneOffsetMs(now(), state.tz) / 60_000);
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
}

function renderClock(): void {
  const t = now();
  $('clock-now').textContent = fmt(t, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  const off = state.clockOffset;
  let text = '与实际时间一致';
  if (off >= 60_000) {
    const d = Math.floor(off / 86_400_000);
    const h = Math.floor((off % 86_400_000) / 3_600_000);
    const m = Math.floor((off % 3_600_000) / 60_000);
    text = `比实际时间快 ${d ? `${d} 天 ` : ''}${h ? `${h} 小时 ` : ''}${!d && m ? `${m} 分钟` : ''}`.trim();
  }
  $('clock-offset').textContent = text;
  const to = $<HTMLInputElement>('clock-to');
  if (document.activeElement !== to && to.value === '') {
    // Suggest the next day at 09:00 (wall time in the zone).
    const next = fmt(t + 86_400_000, { year: 'numeric', month: '2-digit', day: '2-digit' }).replace(/\//g, '-');
    to.value = `${next}T09:00`;
  }
}

async function moveClock(body: { advanceMs: number } | { to: number }): Promise<void> {
  try {
    const r = await call<{ now: number; offset: number }>('POST', '/playground/api/clock', body);
    state.clockOffset = r.offset;
    renderClock();
    toast('info', `模拟时间已调整为 ${fmt(r.now, { month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' })}`);
  } catch (e) {
    toast('error', (e as Error).message);
  }
}

// --- chats ----------------------------------------------------------------------------------------------

const AVATAR_COLORS = 4;

function userIndex(openId: string): number {
  const i = state.users.findIndex((u) => u.openId === openId);
  return i < 0 ? 0 : i % AVATAR_COLORS;
}

function renderIdentity(): void {
  const sel = $<HTMLSelectElement>('identity');
  sel.innerHTML = state.users
    .map((u) => `<option value="${escapeHtml(u.openId)}"${u.openId === state.as ? ' selected' : ''}>${escapeHtml(u.name)}</option>`)
    .join('');
  const me = state.users.find((u) => u.openId === state.as);
  $('identity-role').textContent = me ? me.role : '';
}

function renderChats(): void {
  $('chats').innerHTML = state.chats
    .map((c) => {
      const active = c.chatId === state.chatId ? ' active' : '';
      const avatar = c.type === 'p2p' ? '<span class="avatar av-bot">述</span>' : '<span class="avatar av-group">群</span>';
      const sub = c.last ? escapeHtml(c.last.preview) : c.type === 'p2p' ? '单聊' : `群聊 · ${c.members} 人`;
      const time = c.last ? `<span class="chat-item-time">${escapeHtml(fmt(c.last.time, { hour: '2-digit', minute: '2-digit' }))}</span>` : '';
      return (
        `<button type="button" class="chat-item${active}" data-chat="${escapeHtml(c.chatId)}">${avatar}` +
        `<span class="chat-item-text"><span class="chat-item-name">${escapeHtml(c.name)}${time}</span>` +
        `<span class="chat-item-sub">${sub}</span></span></button>`
      );
    })
    .join('');
  const c = state.chats.find((x) => x.chatId === state.chatId);
  $('chat-title').textContent = c?.name ?? '—';
  $('chat-sub').textContent = c ? (c.type === 'p2p' ? '单聊 · 机器人' : `群聊 · ${c.members} 人 · 群消息需 @述职助手 才会发给机器人`) : '';
  $('mention-toggle').hidden = c?.type !== 'group';
}

async function openChat(chatId: string): Promise<void> {
  state.chatId = chatId;
  localStorage.setItem('pg.chatType', state.chats.find((c) => c.chatId === chatId)?.type ?? 'p2p');
  $('app').classList.add('show-chat');
  renderChats();
  const c = state.chats.find((x) => x.chatId === chatId);
  if (c?.type === 'p2p') {
    // Feishu sends "bot_p2p_chat_entered" whenever the person opens the chat with the bot.
    await call('POST', '/playground/api/p2p/open', { as: state.as }).catch(() => undefined);
  }
  await refresh();
}

async function switchIdentity(openId: string): Promise<void> {
  state.as = openId;
  localStorage.setItem('pg.as', openId);
  renderIdentity();
  const type = localStorage.getItem('pg.chatType') === 'group' ? 'group' : 'p2p';
  const r = await call<{ chats: ChatView[] }>('GET', `/playground/api/chats?as=${encodeURIComponent(openId)}`);
  state.chats = r.chats;
  const target = r.chats.find((c) => c.type === type) ?? r.chats[0];
  if (target) await openChat(target.chatId);
}

// --- messages -------------------------------------------------------------------------------------------

function nameOf(openId: string): string | undefined {
  if (openId === state.bot.openId) return state.bot.name;
  return state.users.find((u) => u.openId === openId)?.name;
}

function bodyHtml(m: MessageView): string {
  return renderMessageBody(m.msgType, m.content, {
    userName: nameOf,
    mentionKeyName: () => state.bot.name,
    fileUrl: (key) => `/playground/api/files/${encodeURIComponent(key)}`,
    fileName: () => m.fileName,
  });
}

function messageEl(m: MessageView): HTMLElement {
  const mine = m.sender.type === 'user' && m.sender.id === state.as;
  const el = document.createElement('div');
  el.className = `msg ${mine ? 'msg-out' : 'msg-in'}${m.msgType === 'interactive' ? ' msg-has-card' : ''}`;
  el.dataset.messageId = m.messageId;
  el.dataset.updates = String(m.updates);
  const avatar =
    m.sender.type === 'app'
      ? '<span class="avatar av-bot">述</span>'
      : `<span class="avatar av-${userIndex(m.sender.id)}">${escapeHtml([...m.sender.name][0] ?? '?')}</span>`;
  const wrap = m.msgType === 'interactive' ? 'msg-card' : 'bubble';
  el.innerHTML =
    `${avatar}<div class="msg-main"><div class="msg-meta"><span class="msg-name">${escapeHtml(m.sender.name)}</span>` +
    `<span class="msg-time">${escapeHtml(fmt(m.createTime, { hour: '2-digit', minute: '2-digit' }))}</span></div>` +
    `<div class="msg-body ${wrap}">${bodyHtml(m)}</div></div>`;
  return el;
}

function renderMessages(list: MessageView[]): void {
  const box = $('messages');
  if (state.shownChat !== state.chatId) {
    box.innerHTML = '';
    state.messages.clear();
    state.shownChat = state.chatId;
  }
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  let appended = false;
  let lastDay = '';
  const lastShown = [...state.messages.values()].at(-1);
  if (lastShown) lastDay = dayKey(lastShown.createTime);
  if (list.length === 0 && box.childElementCount === 0) {
    box.innerHTML = '<div class="empty">暂无消息</div>';
    return;
  }
  box.querySelector('.empty')?.remove();
  for (const m of list) {
    const prior = state.messages.get(m.messageId);
    if (!prior) {
      const day = dayKey(m.createTime);
      if (day !== lastDay) {
        const sep = document.createElement('div');
        sep.className = 'day';
        sep.textContent = fmt(m.createTime, { month: 'long', day: 'numeric', weekday: 'short' });
        box.append(sep);
        lastDay = day;
      }
      box.append(messageEl(m));
      appended = true;
    } else if (prior.updates !== m.updates || JSON.stringify(prior.content) !== JSON.stringify(m.content)) {
      // Updated in place (callback answer or PATCH): redraw its body only.
      const el = box.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(m.messageId)}"]`);
      const body = el?.querySelector('.msg-body');
      if (el && body) {
        body.innerHTML = bodyHtml(m);
        el.dataset.updates = String(m.updates);
      }
    }
    state.messages.set(m.messageId, m);
  }
  if (appended && (nearBottom || list.at(-1)?.sender.id === state.as)) box.scrollTop = box.scrollHeight;
}

let refreshing: Promise<void> | null = null;
let again = false;

/** Reloads the chat list and the open chat's messages (coalesces concurrent requests). */
async function refresh(): Promise<void> {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      if (!state.as) return;
      const asked = { as: state.as, chatId: state.chatId };
      const moved = () => asked.as !== state.as || asked.chatId !== state.chatId;
      const as = encodeURIComponent(asked.as);
      let chats: { chats: ChatView[] };
      let msgs: { messages: MessageView[] };
      try {
        [chats, msgs] = await Promise.all([
          call<{ chats: ChatView[] }>('GET', `/playground/api/chats?as=${as}`),
          asked.chatId
            ? call<{ messages: MessageView[] }>('GET', `/playground/api/chats/${encodeURIComponent(asked.chatId)}/messages?as=${as}`)
            : Promise.resolve({ messages: [] }),
        ]);
      } catch (e) {
        if (!moved()) throw e;
        // Asked in the middle of an identity switch (that chat is not the new identity's): ask again.
        again = true;
        continue;
      }
      if (moved()) {
        // Another chat or identity was opened while these were loading: they are not its; load again.
        again = true;
        continue;
      }
      state.chats = chats.chats;
      renderChats();
      renderMessages(msgs.messages);
    } while (again);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

// --- card interactions ----------------------------------------------------------------------------------

function callbackValue(el: Obj): Obj | undefined {
  const b = Array.isArray(el.behaviors) ? el.behaviors.find((x) => isObj(x) && x.type === 'callback') : undefined;
  return isObj(b) && isObj(b.value) ? b.value : undefined;
}

function openUrl(el: Obj): string | undefined {
  const b = Array.isArray(el.behaviors) ? el.behaviors.find((x) => isObj(x) && x.type === 'open_url') : undefined;
  const url = isObj(b) ? (b.pc_url ?? b.default_url) : undefined;
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : undefined;
}

function plain(v: unknown): string {
  return isObj(v) && typeof v.content === 'string' ? v.content : '';
}

/** What the Feishu client puts in form_value for one field. */
function fieldValue(ctl: HTMLElement): unknown {
  const kind = ctl.dataset.kind;
  if (kind === 'checker') return (ctl as HTMLInputElement).checked;
  if (kind === 'multi_select_static') return [...(ctl as HTMLSelectElement).selectedOptions].map((o) => o.value);
  if (kind === 'date_picker') {
    const v = (ctl as HTMLInputElement).value;
    return v ? `${v} ${zoneSuffix()}` : '';
  }
  return (ctl as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value;
}

function isEmpty(v: unknown): boolean {
  return v === '' || v === false || (Array.isArray(v) && v.length === 0);
}

function collectForm(form: HTMLElement): { values: Obj; missing: boolean } {
  const values: Obj = {};
  let missing = false;
  for (const ctl of form.querySelectorAll<HTMLElement>('[data-name]')) {
    if (ctl.dataset.kind === 'button' || !ctl.dataset.name) continue;
    const v = fieldValue(ctl);
    values[ctl.dataset.name] = v;
    if (ctl.hasAttribute('required') && isEmpty(v)) {
      missing = true;
      ctl.classList.add('invalid');
    } else ctl.classList.remove('invalid');
  }
  return { values, missing };
}

async function sendAction(messageId: string, body: Obj, busy?: HTMLElement): Promise<void> {
  const card = busy?.closest('.card');
  const locked = card ? [...card.querySelectorAll<HTMLButtonElement>('button:not([disabled])')] : [];
  for (const b of locked) b.disabled = true;
  busy?.classList.add('btn-loading');
  try {
    const r = await call<ClickAnswer>('POST', '/playground/api/click', { as: state.as, messageId, ...body });
    if (r.toast) toast(r.toast.type, r.toast.content);
    if (r.errorCode !== undefined) toast('error', `${CLIENT_ERRORS[r.errorCode] ?? '出错了，请稍后重试'}（错误码 ${r.errorCode}）`);
  } catch (e) {
    toast('error', (e as Error).message);
  } finally {
    busy?.classList.remove('btn-loading');
    for (const b of locked) if (b.isConnected) b.disabled = false;
  }
  await refresh();
}

function cardOf(target: HTMLElement): { messageId: string; card: unknown } | null {
  const msg = target.closest<HTMLElement>('[data-message-id]');
  const id = msg?.dataset.messageId;
  const m = id ? state.messages.get(id) : undefined;
  return m && id ? { messageId: id, card: m.content } : null;
}

async function onButton(btn: HTMLButtonElement): Promise<void> {
  const found = cardOf(btn);
  const path = btn.dataset.path;
  if (!found || !path || btn.disabled) return;
  const el = elementAt(found.card, path);
  if (!el) return;
  if (isObj(el.confirm)) {
    const ok = await confirmDialog(plain(el.confirm.title), plain(el.confirm.text));
    if (!ok) return;
  }
  const form = btn.closest<HTMLFormElement>('form');
  if (btn.dataset.action === 'reset' && form) {
    // Reset is handled by the client: fields go back to what the card says.
    const m = state.messages.get(found.messageId);
    const body = btn.closest('.msg-body');
    if (m && body) body.innerHTML = bodyHtml(m);
    return;
  }
  const url = openUrl(el);
  if (url) window.open(url, '_blank', 'noopener');
  const value = callbackValue(el);
  const body: Obj = { tag: 'button', value: value ?? {} };
  if (typeof el.name === 'string') body.name = el.name;
  if (btn.dataset.action === 'submit' && form) {
    const { values, missing } = collectForm(form);
    if (missing) {
      toast('warning', '有必填项未填写');
      return;
    }
    body.formValue = values;
  } else if (!value) {
    return; // a link-only button
  }
  await sendAction(found.messageId, body, btn);
}

/** Inputs, selects, pickers and checkers outside a form send their own callback. */
async function onLooseControl(ctl: HTMLElement): Promise<void> {
  if (ctl.closest('form')) return;
  const found = cardOf(ctl);
  const path = ctl.dataset.path;
  if (!found || !path) return;
  const el = elementAt(found.card, path);
  if (!el) return;
  const body: Obj = { value: callbackValue(el) ?? {} };
  if (typeof el.name === 'string') body.name = el.name;
  const kind = ctl.dataset.kind;
  if (kind === 'input') Object.assign(body, { tag: 'input', inputValue: (ctl as HTMLInputElement).value });
  else if (kind === 'checker') Object.assign(body, { tag: 'checker', checked: (ctl as HTMLInputElement).checked });
  else if (kind === 'date_picker') Object.assign(body, { tag: 'date_picker', option: fieldValue(ctl) });
  else if (kind === 'select_static') Object.assign(body, { tag: 'select_static', option: (ctl as HTMLSelectElement).value });
  else return;
  await sendAction(found.messageId, body);
}

function autosize(t: HTMLTextAreaElement): void {
  const max = Number(t.dataset.maxRows);
  if (!max) return;
  const line = Number.parseFloat(getComputedStyle(t).lineHeight) || 20;
  t.style.height = 'auto';
  t.style.height = `${Math.min(t.scrollHeight + 2, max * line + 16)}px`;
}

function wireMessages(): void {
  const box = $('messages');
  box.addEventListener('click', (e) => {
    const btn = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-kind="button"]');
    if (btn) {
      e.preventDefault();
      void onButton(btn);
    }
  });
  box.addEventListener('submit', (e) => e.preventDefault());
  box.addEventListener('change', (e) => {
    const t = e.target as HTMLElement;
    if (t.dataset.kind && t.dataset.kind !== 'input') void onLooseControl(t);
  });
  box.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (e.key === 'Enter' && t.tagName === 'INPUT' && t.dataset.kind === 'input') {
      e.preventDefault();
      void onLooseControl(t);
    }
  });
  box.addEventListener('input', (e) => {
    const t = e.target as HTMLElement;
    if (t.dataset.kind !== 'input') return;
    const v = (t as HTMLInputElement).value;
    const count = t.parentElement?.querySelector<HTMLElement>('[data-count]');
    if (count) count.textContent = `${[...v].length}/${count.dataset.max ?? ''}`;
    if (t.tagName === 'TEXTAREA') autosize(t as HTMLTextAreaElement);
  });
}

// --- composer -------------------------------------------------------------------------------------------

async function sendText(): Promise<void> {
  const box = $<HTMLTextAreaElement>('text');
  let text = box.value;
  if (text.trim() === '' || !state.chatId) return;
  const chat = state.chats.find((c) => c.chatId === state.chatId);
  let mention = false;
  if (chat?.type === 'group') {
    const lead = new RegExp(`^\\s*@${state.bot.name}\\s*`);
    if (lead.test(text)) {
      text = text.replace(lead, '');
      mention = true;
    } else mention = $<HTMLInputElement>('mention').checked;
  }
  box.value = '';
  try {
    const r = await call<{ skipped?: string }>('POST', `/playground/api/chats/${encodeURIComponent(state.chatId)}/messages`, {
      as: state.as,
      text,
      mention,
    });
    if (r.skipped) toast('info', '消息未 @述职助手，机器人不会收到');
  } catch (e) {
    box.value = text;
    toast('error', (e as Error).message);
  }
  await refresh();
}

async function sendFile(file: File): Promise<void> {
  if (file.size > 1_400_000) {
    toast('error', '体验环境中发送的文件不能超过 1.4 MB');
    return;
  }
  const buf = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  try {
    await call('POST', `/playground/api/chats/${encodeURIComponent(state.chatId)}/files`, {
      as: state.as,
      fileName: file.name,
      dataBase64: btoa(bin),
    });
  } catch (e) {
    toast('error', (e as Error).message);
  }
  await refresh();
}

// --- live updates ---------------------------------------------------------------------------------------

function listen(): void {
  let poll: ReturnType<typeof setInterval> | undefined;
  const startPoll = () => {
    poll ??= setInterval(() => void refresh().catch(() => undefined), 1000);
  };
  if (typeof EventSource === 'undefined') {
    startPoll();
    return;
  }
  const es = new EventSource('/playground/api/events');
  es.addEventListener('open', () => {
    if (poll) clearInterval(poll);
    poll = undefined;
    void refresh().catch(() => undefined);
  });
  es.addEventListener('change', () => void refresh().catch(() => undefined));
  es.addEventListener('clock', (e) => {
    const d = JSON.parse((e as MessageEvent<string>).data) as { offset: number };
    state.clockOffset = d.offset;
    renderClock();
  });
  es.addEventListener('error', startPoll);
  // 重置演示数据 (from this page, another one, or `npm run reset`): start again as a new user would.
  es.addEventListener('reset', () => location.reload());
}

// --- starting afresh ------------------------------------------------------------------------------------

async function resetDemo(): Promise<void> {
  const ok = await confirmDialog(
    '重置演示数据',
    '将清空体验环境中的全部演示数据：聊天记录、述职报告填写进度、活动台账、截止时间设置和已生成的文档，模拟时间恢复为实际时间。此操作无法撤销，确定重置吗？',
  );
  if (!ok) return;
  try {
    await call('POST', '/playground/api/reset', {});
    // The change stream reloads every open page; this one reloads even without it.
    location.reload();
  } catch (e) {
    toast('error', (e as Error).message);
  }
}

// --- start ----------------------------------------------------------------------------------------------

async function start(): Promise<void> {
  const s = await call<{
    bot: { openId: string; name: string };
    users: DemoUser[];
    group: { chatId: string; name: string };
    tz: string;
    clock: { now: number; offset: number };
    reset: boolean;
  }>('GET', '/playground/api/state');
  state.bot = s.bot;
  state.users = s.users;
  state.group = s.group;
  state.tz = s.tz;
  state.clockOffset = s.clock.offset;
  $('reset').hidden = !s.reset;
  $('reset').addEventListener('click', () => void resetDemo());
  renderClock();
  setInterval(renderClock, 15_000);

  $<HTMLSelectElement>('identity').addEventListener('change', (e) => void switchIdentity((e.target as HTMLSelectElement).value));
  $('chats').addEventListener('click', (e) => {
    const item = (e.target as HTMLElement).closest<HTMLElement>('[data-chat]');
    if (item?.dataset.chat) void openChat(item.dataset.chat);
  });
  $('back').addEventListener('click', () => $('app').classList.remove('show-chat'));
  $('send').addEventListener('click', () => void sendText());
  $<HTMLTextAreaElement>('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void sendText();
    }
  });
  $('attach').addEventListener('click', () => $<HTMLInputElement>('file').click());
  $<HTMLInputElement>('file').addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const f = input.files?.[0];
    input.value = '';
    if (f) void sendFile(f);
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-advance]')) {
    b.addEventListener('click', () => void moveClock({ advanceMs: Number(b.dataset.advance) }));
  }
  $('clock-jump').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = $<HTMLInputElement>('clock-to').value;
    const to = zonedToMs(v);
    if (to === null) toast('warning', '请先选择要跳转到的日期和时间');
    else void moveClock({ to });
  });
  wireMessages();

  const saved = localStorage.getItem('pg.as');
  const first = state.users.find((u) => u.openId === saved) ?? state.users[0];
  if (first) await switchIdentity(first.openId);
  listen();
}

start().catch((e) => {
  document.body.insertAdjacentHTML('afterbegin', `<div class="fatal">体验环境加载失败：${escapeHtml((e as Error).message)}</div>`);
});
