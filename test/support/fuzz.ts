// Fuzzing material, seeded (test/support/prng.ts) so that a failure is run again by its seed:
//  - mutate(): a JSON payload with a few random changes of the kinds real senders get wrong (a type changed, a
//    field dropped or null, a huge string, deep nesting, odd Unicode, JSON-in-a-string broken, unknown fields);
//  - wrongEncoding(): the bytes of a JSON text as a misconfigured sender might produce them;
//  - chineseText(): random Chinese text, from plain characters to report-like lines and pathological repeats.
import { between, pick } from './prng.ts';

type Rng = () => number;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every path inside `v` (not the root), depth-first, at most `max`. */
function pathsOf(v: Json, max = 400): Path[] {
  const out: Path[] = [];
  const walk = (x: Json, at: Path) => {
    if (out.length >= max) return;
    if (Array.isArray(x)) x.forEach((c, i) => { out.push([...at, i]); walk(c, [...at, i]); });
    else if (isObj(x)) for (const [k, c] of Object.entries(x)) { out.push([...at, k]); walk(c, [...at, k]); }
  };
  walk(v, []);
  return out;
}

function parentOf(root: Json, path: Path): { parent: Json; key: string | number } | undefined {
  let cur: Json = root;
  for (const k of path.slice(0, -1)) {
    if (Array.isArray(cur) && typeof k === 'number') cur = cur[k] as Json;
    else if (isObj(cur) && typeof k === 'string') cur = cur[k] as Json;
    else return undefined;
  }
  return { parent: cur, key: path[path.length - 1]! };
}

function setAt(root: Json, path: Path, value: Json | undefined): void {
  const p = parentOf(root, path);
  if (!p) return;
  if (Array.isArray(p.parent) && typeof p.key === 'number') {
    if (value === undefined) p.parent.splice(p.key, 1);
    else p.parent[p.key] = value;
  } else if (isObj(p.parent) && typeof p.key === 'string') {
    if (value === undefined) delete p.parent[p.key];
    else p.parent[p.key] = value;
  }
}

function getAt(root: Json, path: Path): Json | undefined {
  const p = parentOf(root, path);
  if (!p) return undefined;
  if (Array.isArray(p.parent) && typeof p.key === 'number') return p.parent[p.key];
  if (isObj(p.parent) && typeof p.key === 'string') return p.parent[p.key];
  return undefined;
}

const OTHER_VALUES: Json[] = [0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, true, false, '', ' ', '0', 'null', 'undefined', '[object Object]', [], {}, [null], ['a', 1], { a: 1 }, { '': '' }];

const ODD_STRINGS = [
  '\ud800',
  '\udfff\ud800',
  '\u0000',
  '\u200b\u200c\u200d\ufeff',
  '\u202e述职报告\u202c',
  '\u2028\u2029',
  '👨‍👩‍👧‍👦🇨🇳',
  'ｆｕｌｌ　ｗｉｄｔｈ　１２３',
  '\\u0000\\"',
  '<script>alert(1)</script>',
  '{{7*7}}\x24{7*7}',
  '../../etc/passwd',
  '%00%ff',
  'ou_',
  'om_' + 'f'.repeat(1000),
];

/** A string of `n` characters built from `unit`. */
const repeat = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

function hugeString(rng: Rng): string {
  // Mostly tens of kilobytes; now and then near the edge's 1 MiB body limit (encrypted: base64 adds a third).
  const n = rng() < 0.97 ? between(rng, 5_000, 50_000) : between(rng, 200_000, 400_000);
  return repeat(pick(rng, ['述', '3月5日 召开支委会，', 'a', '一、', '（一）', '\n', '1', '、', '@_user_1 ', '"', '\\']), n);
}

/** Deep nesting is written into the JSON text (toJson), not built as a value: JSON.stringify would overflow. */
function deep(rng: Rng): Json {
  return `\u0000DEEP:${rng() < 0.97 ? between(rng, 100, 5_000) : between(rng, 20_000, 100_000)}:${rng() < 0.5 ? 'a' : 'o'}\u0000`;
}

/** JSON.stringify, with the nesting that mutate() asked for (`deep`) put in. */
export function toJson(payload: unknown): string {
  return JSON.stringify(payload).replace(/"\\u0000DEEP:(\d+):([ao])\\u0000"/g, (_m, n: string, kind: string) => {
    const depth = Number(n);
    return kind === 'a' ? `${'['.repeat(depth)}"bottom"${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
  });
}

export const MUTATIONS = ['type', 'drop', 'null', 'empty', 'huge', 'deep', 'unicode', 'content', 'extra', 'proto', 'wrap', 'swap-type', 'numbers'] as const;
export type Mutation = (typeof MUTATIONS)[number];

/**
 * Applies 1–3 random mutations to a copy of `payload`. `protect` lists paths left alone (e.g. the token the edge
 * checks, so that the payload stays genuine).
 */
export function mutate(payload: unknown, rng: Rng, protect: Path[] = []): { payload: unknown; kinds: Mutation[] } {
  const root = structuredClone(payload) as Json;
  const kinds: Mutation[] = [];
  const n = between(rng, 1, 3);
  // A protected path, what is inside it, and what holds it (replacing a parent would take it along).
  const prefix = (a: Path, b: Path) => a.length <= b.length && a.every((k, i) => b[i] === k);
  const isProtected = (p: Path) => protect.some((q) => prefix(q, p) || prefix(p, q));
  for (let i = 0; i < n; i++) {
    const kind = pick(rng, MUTATIONS);
    kinds.push(kind);
    const candidates = pathsOf(root).filter((p) => !isProtected(p));
    if (candidates.length === 0) break;
    const path = pick(rng, candidates);
    const cur = getAt(root, path);
    switch (kind) {
      case 'type':
        setAt(root, path, pick(rng, OTHER_VALUES.filter((v) => typeof v !== typeof cur)));
        break;
      case 'drop':
        setAt(root, path, undefined);
        break;
      case 'null':
        setAt(root, path, null);
        break;
      case 'empty':
        setAt(root, path, Array.isArray(cur) ? [] : isObj(cur) ? {} : '');
        break;
      case 'huge':
        setAt(root, path, hugeString(rng));
        break;
      case 'deep':
        setAt(root, path, deep(rng));
        break;
      case 'unicode':
        setAt(root, path, typeof cur === 'string' && rng() < 0.5 ? `${cur}${pick(rng, ODD_STRINGS)}` : pick(rng, ODD_STRINGS));
        break;
      case 'content': {
        // Message content is JSON inside a string: break it, or give it another shape.
        const at = candidates.find((p) => p[p.length - 1] === 'content' && typeof getAt(root, p) === 'string') ?? path;
        const text = String(getAt(root, at) ?? '');
        setAt(
          root,
          at,
          pick(rng, [
            text.slice(0, Math.floor(text.length / 2)),
            `${text}}`,
            JSON.stringify(text),
            '[]',
            'null',
            '123',
            '{"text":123}',
            '{"text":null}',
            '{"text":{"text":"嵌套"}}',
            '{"title":"","content":[[{"tag":"text"}]]}',
            '{"zh_cn":{"content":"not an array"}}',
            '{"file_key":["a"]}',
            `{"text":"${repeat('\\u', 10)}"}`,
            '',
          ]),
        );
        break;
      }
      case 'extra': {
        const target = getAt(root, path.slice(0, -1).length === 0 ? [path[0]!] : path.slice(0, -1));
        if (isObj(target)) target[pick(rng, ['x_unknown', 'event_type', 'schema', 'v', 'type', 'header', '0'])] = pick(rng, OTHER_VALUES);
        break;
      }
      case 'proto': {
        const target = getAt(root, path);
        if (isObj(target)) {
          Object.defineProperty(target, '__proto__', { value: { polluted: true, k: 'wt' }, enumerable: true, configurable: true, writable: true });
          Object.defineProperty(target, 'constructor', { value: { prototype: { polluted: true } }, enumerable: true, configurable: true, writable: true });
        }
        break;
      }
      case 'wrap':
        setAt(root, path, [cur ?? null]);
        break;
      case 'swap-type':
        if (isObj(root) && isObj(root.header)) {
          root.header.event_type = pick(rng, [
            'im.message.receive_v1',
            'card.action.trigger',
            'im.chat.access_event.bot_p2p_chat_entered_v1',
            'im.chat.member.bot.added_v1',
            'im.chat.member.bot.deleted_v1',
            'application.bot.menu_v6',
            'im.message.reaction.created_v1',
            'contact.user.created_v3',
            '',
          ]);
        }
        break;
      case 'numbers':
        if (typeof cur === 'number') setAt(root, path, String(cur));
        else if (typeof cur === 'string' && /^\d+$/.test(cur)) setAt(root, path, Number(cur));
        else setAt(root, path, pick(rng, [Number.MAX_SAFE_INTEGER, -2147483649, 1e21, 0.1 + 0.2]));
        break;
    }
  }
  return { payload: root, kinds };
}

export const ENCODINGS = ['utf8', 'bom', 'utf16le', 'mojibake', 'high-bytes', 'truncated', 'trailing', 'double-json', 'invalid-utf8'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** The bytes of `json` as `how` would send them ('utf8' is the correct one). */
export function encode(json: string, how: Encoding, rng: Rng): Buffer {
  switch (how) {
    case 'utf8':
      return Buffer.from(json, 'utf8');
    case 'bom':
      return Buffer.from(`\ufeff${json}`, 'utf8');
    case 'utf16le':
      return Buffer.from(json, 'utf16le');
    case 'mojibake':
      // UTF-8 read as Latin-1 and encoded again (a double-encoding proxy).
      return Buffer.from(Buffer.from(json, 'utf8').toString('latin1'), 'utf8');
    case 'high-bytes': {
      const b = Buffer.from(json, 'utf8');
      for (let i = 0; i < 8; i++) b[between(rng, 0, b.length - 1)] = between(rng, 0x80, 0xff);
      return b;
    }
    case 'truncated':
      return Buffer.from(json.slice(0, between(rng, 0, json.length - 1)), 'utf8');
    case 'trailing':
      return Buffer.from(`${json}${pick(rng, [' ', '\n', 'garbage', '}', ',{}', '\u0000'])}`, 'utf8');
    case 'double-json':
      return Buffer.from(JSON.stringify(json), 'utf8');
    case 'invalid-utf8': {
      // A lone continuation byte and an overlong form inside the first string value.
      const b = Buffer.from(json, 'utf8');
      const at = b.indexOf(0x22) + 1;
      return Buffer.concat([b.subarray(0, at), Buffer.from([0x80, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), b.subarray(at)]);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Random Chinese text.

const COMMON =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞';
const PUNCT = '，。、；：？！“”‘’（）《》【】—…·～';
const TOKENS = [
  '一、', '二、', '三、', '（一）', '（二）', '（七）', '1.', '2、', '（1）', '①', '一是', '二是', '三是', '第一，',
  '3月5日', '12月31日', '2024年', '2025年度', '2024-03-05', '2024/3/5', '3.5', '３月５日', '去年', '上周五', '本月',
  '召开支委会', '党员大会', '讲党课', '主题党日', '集中学习', '组织生活会', '民主评议', '谈心谈话', '志愿服务',
  '28人参加', '全体党员', '两学时', '半天', '3小时', '12次', '100%', '三分之一', '第12期',
  '书记抓基层党建工作述职报告', '存在的问题', '下一步工作思路', '整改措施', '述职人：', '签名',
  '\n', '\n\n', ' ', '\t', '　', '@_user_1', '#', '*', '**', '[链接](http://x)', '😀', 'abc', 'ABC123', '\u200b',
];

function cjk(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rng();
    s += r < 0.85 ? COMMON[Math.floor(rng() * COMMON.length)] : r < 0.97 ? PUNCT[Math.floor(rng() * PUNCT.length)] : String.fromCodePoint(between(rng, 0x4e00, 0x9fff));
  }
  return s;
}

export const TEXT_KINDS = ['chars', 'tokens', 'lines', 'repeat', 'report'] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/**
 * Random Chinese text of one kind: `chars` (characters and punctuation), `tokens` (report and activity words,
 * dates, numbers, numbering, whitespace), `lines` (heading-like lines), `repeat` (one token thousands of times,
 * the shape that makes a backtracking regex slow), `report` (a real report's lines shuffled and damaged).
 */
export function chineseText(rng: Rng, kind: TextKind, reports: readonly string[] = [], maxLen = 3000): string {
  switch (kind) {
    case 'chars':
      return cjk(rng, between(rng, 0, maxLen));
    case 'tokens': {
      let s = '';
      while (s.length < between(rng, 1, maxLen)) s += rng() < 0.7 ? pick(rng, TOKENS) : cjk(rng, between(rng, 1, 12));
      return s;
    }
    case 'lines': {
      const lines: string[] = [];
      for (let i = between(rng, 1, 80); i > 0; i--) lines.push(`${pick(rng, TOKENS)}${cjk(rng, between(rng, 0, 60))}${pick(rng, ['。', '；', '', '：'])}`);
      return lines.join('\n');
    }
    case 'repeat':
      return repeat(pick(rng, [...TOKENS, '一', '（', '年', '月', '日', '次', '1', '，', '、', '——', '“', '《']), between(rng, 100, maxLen));
    case 'report': {
      const source = reports.length > 0 ? pick(rng, reports) : cjk(rng, 500);
      const lines = source.split('\n');
      for (let i = between(rng, 0, 10); i > 0; i--) {
        const at = between(rng, 0, Math.max(0, lines.length - 1));
        const op = rng();
        if (op < 0.25) lines.splice(at, 1);
        else if (op < 0.5) lines.splice(at, 0, lines[between(rng, 0, lines.length - 1)] ?? '');
        else if (op < 0.75) lines[at] = `${pick(rng, TOKENS)}${lines[at] ?? ''}`;
        else lines[at] = (lines[at] ?? '').slice(0, between(rng, 0, (lines[at] ?? '').length));
      }
      return lines.join(rng() < 0.2 ? '\r\n' : '\n');
    }
  }
}
