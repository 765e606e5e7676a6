// docx documents and drive permissions of the fake Open Platform (reference §6). Blocks are stored as
// Feishu returns them: {block_id, block_type, parent_id, children, <payload field>}; the root block's id
// is the document id.
import { z } from 'zod';
import { ApiError, badRequest } from './errors.ts';
import { newId } from './ids.ts';
import { gateway400, gateway429, type RateRule } from './rate-limit.ts';
import { type ApiReply, check, type Route } from './server.ts';
import type { FakeBlock, FakeDocument } from './types.ts';
import type { World } from './world.ts';
import { TEXT_FIELD_OF_TYPE } from '../../feishu/docx-blocks.ts';

const DOCX_PARAM = 1770001;
// Drive permission codes of the permission-member create page (2025-07; ../shared/feishu-reference.md
// Corrections): 1063001 bad param, 1063003 invalid operation (the member already holds an equal or higher
// permission), 1063005 resource deleted. 1061002/1061004 are the older codes.
const DRIVE_PARAM = 1063001;
const DRIVE_INVALID_OPERATION = 1063003;
const DRIVE_RESOURCE_DELETED = 1063005;
const PERM_RANK: Record<string, number> = { view: 1, edit: 2, full_access: 3 };
const SECOND = 1000;

export { TEXT_FIELD_OF_TYPE };
/** Blocks whose payload is an (almost) empty object. */
const EMPTY_FIELD_OF_TYPE: Record<number, string> = { 19: 'callout', 22: 'divider', 34: 'quote_container' };
/** Blocks that may not have children (headings, code, divider). */
const LEAF_TYPES = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 22]);

// --- schemas -------------------------------------------------------------------------------------------

const style = z.object({
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
  strikethrough: z.boolean().optional(),
  underline: z.boolean().optional(),
  inline_code: z.boolean().optional(),
  background_color: z.number().int().min(1).max(15).optional(),
  text_color: z.number().int().min(1).max(7).optional(),
  link: z
    .object({
      url: z
        .string()
        .min(1)
        .refine((u) => !u.includes('://'), 'link.url must be URL-encoded (reference §6.3)'),
    })
    .optional(),
});
const textElement = z.union([
  z.strictObject({ text_run: z.object({ content: z.string(), text_element_style: style.optional() }) }),
  z.strictObject({ mention_user: z.object({ user_id: z.string().min(1), text_element_style: style.optional() }) }),
  z.strictObject({ equation: z.object({ content: z.string(), text_element_style: style.optional() }) }),
]);
const textPayload = z.object({
  style: z
    .object({
      align: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
      folded: z.boolean().optional(),
      done: z.boolean().optional(),
      language: z.number().int().min(1).max(75).optional(),
      wrap: z.boolean().optional(),
    })
    .optional(),
  elements: z.array(textElement),
});
const blockInput = z.looseObject({
  block_type: z.number().int(),
  block_id: z.string().optional(),
  children: z.array(z.string()).optional(),
});
type BlockInput = z.infer<typeof blockInput>;

const createDocBody = z.object({
  title: z.string().max(800).optional(),
  folder_token: z.string().optional(),
});
const revisionQuery = z.object({
  document_revision_id: z.coerce.number().int().min(-1).default(-1),
  client_token: z.string().min(1).max(100).optional(),
  user_id_type: z.enum(['open_id', 'union_id', 'user_id']).optional(),
});
const childrenBody = z.object({
  index: z.number().int().min(-1).optional(),
  children: z.array(blockInput).min(1).max(50),
});
const childrenGetQuery = z.object({
  document_revision_id: z.coerce.number().int().min(-1).default(-1),
  page_size: z.coerce.number().int().min(1).max(500).default(500),
  page_token: z.string().optional(),
  user_id_type: z.enum(['open_id', 'union_id', 'user_id']).optional(),
});
const batchDeleteBody = z.object({
  start_index: z.number().int().min(0),
  end_index: z.number().int().min(1),
});
const descendantBody = z.object({
  index: z.number().int().min(-1).optional(),
  children_id: z.array(z.string().min(1)).min(1).max(1000),
  descendants: z.array(blockInput.extend({ block_id: z.string().min(1) })).min(1).max(1000),
});
const permissionQuery = z.object({
  type: z.enum(['doc', 'sheet', 'file', 'wiki', 'bitable', 'docx', 'folder', 'mindnote', 'minutes', 'slides']),
  need_notification: z.enum(['true', 'false']).optional(),
});
const permissionBody = z
  .object({
    member_type: z.enum([
      'email',
      'openid',
      'unionid',
      'openchat',
      'opendepartmentid',
      'userid',
      'groupid',
      'wikispaceid',
      'appid',
    ]),
    member_id: z.string().min(1),
    perm: z.enum(['view', 'edit', 'full_access']),
    perm_type: z.enum(['container', 'single_page']).optional(),
    type: z.enum(['user', 'chat', 'department', 'group', 'wiki_space_member', 'wiki_space_viewer', 'wiki_space_editor']).optional(),
  })
  .refine((b) => b.member_type !== 'openid' || b.member_id.startsWith('ou_'), 'member_id is not an open_id')
  .refine((b) => b.member_type !== 'openchat' || b.member_id.startsWith('oc_'), 'member_id is not a chat_id');

// --- helpers -------------------------------------------------------------------------------------------

const ok = (data: unknown): ApiReply => ({ body: { code: 0, msg: 'success', data } });

function docOrThrow(world: World, id: string): FakeDocument {
  const d = world.documents.get(id);
  if (!d) throw new ApiError(404, 1770002, 'not found: document');
  return d;
}

function blockOrThrow(doc: FakeDocument, id: string): FakeBlock {
  const b = doc.blocks.get(id);
  if (!b) throw new ApiError(404, 1770002, 'not found: block');
  return b;
}

function checkRevision(doc: FakeDocument, rev: number): void {
  // -1 means "latest"; an older revision is accepted (Feishu merges up to 1000 revisions back).
  if (rev !== -1 && (rev < 1 || rev > doc.revisionId)) {
    throw badRequest(DOCX_PARAM, `invalid param: document_revision_id ${rev} (current ${doc.revisionId})`);
  }
}

function editRules(documentId: string): RateRule[] {
  // Per document: HTTP 429 + 99991400; per app: HTTP 400 + 99991400 (reference §5.5). Both are 3/s, so
  // with one app the document rule is checked first (else it could never trip); the app rule trips when
  // the bot edits several documents in the same second.
  return [
    { key: `docx:edit:doc:${documentId}`, limit: 3, windowMs: SECOND, reject: gateway429 },
    { key: 'docx:edit:app', limit: 3, windowMs: SECOND, reject: gateway400 },
  ];
}

/** Validates one block of a request and returns its stored form (without ids). */
function blockPayload(b: BlockInput, where: string): { block_type: number; field: string; payload: unknown } {
  const textField = TEXT_FIELD_OF_TYPE[b.block_type];
  if (textField) {
    const payload = check(textPayload, b[textField], DOCX_PARAM, `${where}.${textField}`);
    return {
      block_type: b.block_type,
      field: textField,
      payload: { ...payload, style: { align: 1, folded: false, ...(payload.style ?? {}) } },
    };
  }
  const emptyField = EMPTY_FIELD_OF_TYPE[b.block_type];
  if (emptyField) {
    const payload = b[emptyField];
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw badRequest(DOCX_PARAM, `invalid param: ${where}.${emptyField} must be an object`);
    }
    return { block_type: b.block_type, field: emptyField, payload };
  }
  throw badRequest(1770029, `block type ${b.block_type} can not be created (${where})`);
}

function insertAt(list: string[], index: number | undefined, ids: string[]): void {
  if (index === undefined || index === -1) {
    list.push(...ids);
    return;
  }
  if (index > list.length) throw badRequest(DOCX_PARAM, `invalid param: index ${index} > ${list.length} children`);
  list.splice(index, 0, ...ids);
}

function removeTree(doc: FakeDocument, id: string): void {
  const b = doc.blocks.get(id);
  if (!b) return;
  for (const c of b.children) removeTree(doc, c);
  doc.blocks.delete(id);
}

/** Runs an edit at most once per client_token: a repeat answers the first result and changes nothing. */
function idempotent(world: World, documentId: string, clientToken: string | undefined, run: () => ApiReply): ApiReply {
  if (!clientToken) return run();
  const key = `${documentId}:${clientToken}`;
  const prior = world.clientTokens.get(key);
  if (prior !== undefined) return prior as ApiReply;
  const reply = run();
  world.clientTokens.set(key, reply);
  return reply;
}

// --- routes --------------------------------------------------------------------------------------------

export function docxRoutes(world: World): Route[] {
  return [
    {
      api: 'docx.document.create',
      method: 'POST',
      pattern: '/open-apis/docx/v1/documents',
      auth: true,
      invalidCode: DOCX_PARAM,
      handler(req) {
        const b = check(createDocBody, req.body ?? {}, DOCX_PARAM);
        world.limiter.acquire([{ key: 'docx:create:app', limit: 3, windowMs: SECOND, reject: gateway400 }]);
        const documentId = newId.document();
        const title = b.title ?? '';
        const root: FakeBlock = {
          block_id: documentId,
          block_type: 1,
          parent_id: '',
          children: [],
          page: { elements: [{ text_run: { content: title, text_element_style: {} } }], style: { align: 1 } },
        };
        const doc: FakeDocument = {
          documentId,
          title,
          folderToken: b.folder_token || undefined,
          revisionId: 1,
          blocks: new Map([[documentId, root]]),
          permissions: [],
        };
        world.documents.set(documentId, doc);
        world.log.info('fake feishu: document created', { documentId });
        return ok({ document: { document_id: documentId, revision_id: 1, title } });
      },
    },
    {
      api: 'docx.document.get',
      method: 'GET',
      pattern: '/open-apis/docx/v1/documents/:document_id',
      auth: true,
      invalidCode: DOCX_PARAM,
      handler(req) {
        const doc = docOrThrow(world, req.params.document_id ?? '');
        return ok({ document: { document_id: doc.documentId, revision_id: doc.revisionId, title: doc.title } });
      },
    },
    {
      api: 'docx.blockChildren.create',
      method: 'POST',
      pattern: '/open-apis/docx/v1/documents/:document_id/blocks/:block_id/children',
      auth: true,
      invalidCode: DOCX_PARAM,
      handler(req) {
        const q = check(revisionQuery, req.query, DOCX_PARAM);
        const b = check(childrenBody, req.body, DOCX_PARAM);
        const doc = docOrThrow(world, req.params.document_id ?? '');
        world.limiter.acquire(editRules(doc.documentId));
        return idempotent(world, doc.documentId, q.client_token, () => {
          checkRevision(doc, q.document_revision_id);
          const parent = blockOrThrow(doc, req.params.block_id ?? '');
          if (LEAF_TYPES.has(parent.block_type)) throw badRequest(1770028, 'block can not have children');
          const made = b.children.map((c, i) => {
            if (c.children && c.children.length > 0) {
              throw badRequest(DOCX_PARAM, `invalid param: children[${i}].children: use the descendant API`);
            }
            return blockPayload(c, `children[${i}]`);
          });
          if (b.index !== undefined && b.index > parent.children.length) {
            throw badRequest(DOCX_PARAM, `invalid param: index ${b.index} > ${parent.children.length} children`);
          }
          const blocks: FakeBlock[] = made.map((m) => ({
            block_id: newId.block(),
            block_type: m.block_type,
            parent_id: parent.block_id,
            children: [],
            [m.field]: m.payload,
          }));
          for (const blk of blocks) doc.blocks.set(blk.block_id, blk);
          insertAt(
            parent.children,
            b.index,
            blocks.map((x) => x.block_id),
          );
          doc.revisionId += 1;
          return ok({
            children: blocks.map((x) => structuredClone(x)),
            document_revision_id: doc.revisionId,
            client_token: q.client_token ?? '',
          });
        });
      },
    },
    {
      api: 'docx.blockChildren.get',
      method: 'GET',
      pattern: '/open-apis/docx/v1/documents/:document_id/blocks/:block_id/children',
      auth: true,
      invalidCode: DOCX_PARAM,
      handler(req) {
        const q = check(childrenGetQuery, req.query, DOCX_PARAM);
        world.limiter.acquire([{ key: 'docx:read:app', limit: 5, windowMs: SECOND, reject: gateway400 }]);
        const doc = docOrThrow(world, req.params.document_id ?? '');
        checkRevision(doc, q.document_revision_id);
        const parent = blockOrThrow(doc, req.params.block_id ?? '');
        let offset = 0;
        if (q.page_token) {
          offset = Number(Buffer.from(q.page_token, 'base64url').toString('utf8'));
          if (!Number.isInteger(offset) || offset < 0) throw badRequest(DOCX_PARAM, 'invalid param: page_token');
        }
        const ids = parent.children.slice(offset, offset + q.page_size);
        const next = offset + ids.length;
        const hasMore = next < parent.children.length;
        return ok({
          items: ids.map((id) => structuredClone(blockOrThrow(doc, id))),
          page_token: hasMore ? Buffer.from(String(next), 'utf8').toString('base64url') : '',
          has_more: hasMore,
        });
      },
    },
    {
      api: 'docx.blockChildren.batchDelete',
      method: 'DELETE',
      pattern: '/open-apis/docx/v1/documents/:document_id/blocks/:block_id/children/batch_delete',
      auth: true,
      invalidCode: DOCX_PARAM,
      handler(req) {
        const q = check(revisionQuery, req.query, DOCX_PARAM);
        const b = check(batchDeleteBody, req.body, DOCX_PARAM);
        const doc = docOrThrow(world, req.params.document_id ?? '');
        world.limiter.acquire(editRules(doc.documentId));
        return idempotent(world, doc.documentId, q.client_token, () => {
          checkRevision(doc, q.document_revision_id);
          const parent = blockOrThrow(doc, req.params.block_id ?? '');
          if (b.start_index >= b.end_index || b.end_index > parent.children.length) {
            throw badRequest(
              DOCX_PARAM,
              `invalid param: [${b.start_index}, ${b.end_index}) is not a range of ${parent.children.length} children`,
            );
          }
          const removed = parent.children.splice(b.start_index, b.end_index - b.start_index);
          for (const id of removed) removeTree(doc, id);
          doc.revisionId += 1;
          return ok({ document_revision_id: doc.revisionId, client_token: q.client_token ?? '' });
        });
      },
    },
    {
      api: 'docx.blockDescendant.create',
      method: 'POST',
      pattern: '/open-apis/docx/v1/documents/:document_id/blocks/:block_id/descendant',
      auth: true,
      invalidCode: DOCX_PARAM,
      handler(req) {
        const q = check(revisionQuery, req.query, DOCX_PARAM);
        const b = check(descendantBody, req.body, DOCX_PARAM);
        const doc = docOrThrow(world, req.params.document_id ?? '');
        world.limiter.acquire(editRules(doc.documentId));
        return idempotent(world, doc.documentId, q.client_token, () => {
          checkRevision(doc, q.document_revision_id);
          const parent = blockOrThrow(doc, req.params.block_id ?? '');
          if (LEAF_TYPES.has(parent.block_type)) throw badRequest(1770028, 'block can not have children');
          const byTemp = new Map<string, (typeof b.descendants)[number]>();
          for (const d of b.descendants) {
            if (byTemp.has(d.block_id)) throw badRequest(1770019, `duplicate block id ${d.block_id}`);
            byTemp.set(d.block_id, d);
          }
          // Every descendant must be referenced exactly once, from children_id or a parent's children.
          const refs = new Map<string, number>();
          const refer = (id: string, from: string) => {
            if (!byTemp.has(id)) throw badRequest(DOCX_PARAM, `invalid param: ${from} names unknown block ${id}`);
            refs.set(id, (refs.get(id) ?? 0) + 1);
          };
          for (const id of b.children_id) refer(id, 'children_id');
          for (const d of b.descendants) for (const c of d.children ?? []) refer(c, `block ${d.block_id}`);
          for (const d of b.descendants) {
            const n = refs.get(d.block_id) ?? 0;
            if (n !== 1) {
              throw badRequest(DOCX_PARAM, `invalid param: block ${d.block_id} is referenced ${n} times (must be 1)`);
            }
            if ((d.children?.length ?? 0) > 0 && LEAF_TYPES.has(d.block_type)) {
              throw badRequest(1770028, `block ${d.block_id} (type ${d.block_type}) can not have children`);
            }
          }
          const payloads = new Map(b.descendants.map((d) => [d.block_id, blockPayload(d, `descendants.${d.block_id}`)]));
          if (b.index !== undefined && b.index > parent.children.length) {
            throw badRequest(DOCX_PARAM, `invalid param: index ${b.index} > ${parent.children.length} children`);
          }
          const realId = new Map(b.descendants.map((d) => [d.block_id, newId.block()]));
          const created: FakeBlock[] = [];
          const visiting = new Set<string>();
          const make = (temp: string, parentId: string): string => {
            if (visiting.has(temp)) throw badRequest(DOCX_PARAM, `invalid param: block ${temp} is its own ancestor`);
            visiting.add(temp);
            const d = byTemp.get(temp)!;
            const p = payloads.get(temp)!;
            const id = realId.get(temp)!;
            const blk: FakeBlock = { block_id: id, block_type: p.block_type, parent_id: parentId, children: [], [p.field]: p.payload };
            created.push(blk);
            blk.children = (d.children ?? []).map((c) => make(c, id));
            return id;
          };
          const top = b.children_id.map((t) => make(t, parent.block_id));
          for (const blk of created) doc.blocks.set(blk.block_id, blk);
          insertAt(parent.children, b.index, top);
          doc.revisionId += 1;
          return ok({
            children: created.map((x) => structuredClone(x)),
            block_id_relations: b.descendants.map((d) => ({
              temporary_block_id: d.block_id,
              block_id: realId.get(d.block_id)!,
            })),
            document_revision_id: doc.revisionId,
            client_token: q.client_token ?? '',
          });
        });
      },
    },
    {
      api: 'drive.permissionMember.create',
      method: 'POST',
      pattern: '/open-apis/drive/v1/permissions/:token/members',
      auth: true,
      invalidCode: DRIVE_PARAM,
      handler(req) {
        // The HTTP status of drive's parameter errors is not given on the page: 400 like the rest of the platform.
        const q = check(permissionQuery, req.query, DRIVE_PARAM);
        const b = check(permissionBody, req.body, DRIVE_PARAM);
        if (q.type !== 'docx') throw badRequest(DRIVE_PARAM, `invalid param: the fake only holds docx, not ${q.type}`);
        const doc = world.documents.get(req.params.token ?? '');
        if (!doc) throw badRequest(DRIVE_RESOURCE_DELETED, 'resource deleted');
        const prior = doc.permissions.find((p) => p.member_type === b.member_type && p.member_id === b.member_id);
        if (prior && (PERM_RANK[prior.perm] ?? 0) >= (PERM_RANK[b.perm] ?? 0)) {
          throw badRequest(DRIVE_INVALID_OPERATION, 'invalid operation: the member already has an equal or higher permission');
        }
        if (prior) prior.perm = b.perm;
        else doc.permissions.push({ member_type: b.member_type, member_id: b.member_id, perm: b.perm });
        return ok({
          member: { member_type: b.member_type, member_id: b.member_id, perm: b.perm, type: b.type ?? 'user' },
        });
      },
    },
  ];
}

/** The text of each block of a document in reading order (headings included; blocks without text skipped). */
export function textOfDocument(doc: FakeDocument): string[] {
  const out: string[] = [];
  const visit = (id: string) => {
    const b = doc.blocks.get(id);
    if (!b) return;
    if (b.block_type !== 1) {
      const field = TEXT_FIELD_OF_TYPE[b.block_type];
      const payload = field ? (b[field] as { elements?: unknown[] } | undefined) : undefined;
      if (payload?.elements) {
        out.push(
          payload.elements
            .map((e) => {
              const el = e as {
                text_run?: { content: string };
                mention_user?: { user_id: string };
                equation?: { content: string };
              };
              if (el.text_run) return el.text_run.content;
              if (el.mention_user) return `@${el.mention_user.user_id}`;
              if (el.equation) return el.equation.content;
              return '';
            })
            .join(''),
        );
      }
    }
    for (const c of b.children) visit(c);
  };
  visit(doc.documentId);
  return out;
}
