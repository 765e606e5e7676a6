// Report tree → Feishu docx blocks (reference §6.3), and the batches they are appended in. Pure.
//
// The title node becomes the document's title (the page block), not a block. Level-1 headings (一、…) are
// heading1 blocks, level-2 (（一）…) heading2, deeper levels heading3/heading4; paragraphs are text blocks.
// Each block carries the printed text exactly (number + heading text), so the document reads as the report.
import type { ReportTree } from '../report/types.ts';

/** Feishu allows at most 50 children per "create children" call. */
export const MAX_CHILDREN_PER_CALL = 50;

const HEADING_TYPE = { 1: 3, 2: 4, 3: 5, 4: 6 } as const;
const HEADING_FIELD = { 1: 'heading1', 2: 'heading2', 3: 'heading3', 4: 'heading4' } as const;

export interface TextElement {
  text_run: { content: string; text_element_style: Record<string, never> };
}
export interface TextPayload {
  elements: TextElement[];
  style: Record<string, never>;
}
/** One block as sent to `documentBlockChildren.create`. */
export type DocBlock =
  | { block_type: 2; text: TextPayload }
  | { block_type: 3; heading1: TextPayload }
  | { block_type: 4; heading2: TextPayload }
  | { block_type: 5; heading3: TextPayload }
  | { block_type: 6; heading4: TextPayload };

function payload(content: string): TextPayload {
  return { elements: [{ text_run: { content, text_element_style: {} } }], style: {} };
}

/** The body blocks of the report, in reading order (the title is the document's title). */
export function reportBlocks(tree: ReportTree): DocBlock[] {
  const out: DocBlock[] = [];
  for (const node of tree.nodes) {
    if (node.type === 'title') continue;
    if (node.type === 'paragraph') {
      out.push({ block_type: 2, text: payload(node.text) });
      continue;
    }
    const type = HEADING_TYPE[node.level];
    const field = HEADING_FIELD[node.level];
    out.push({ block_type: type, [field]: payload(node.number + node.text) } as DocBlock);
  }
  return out;
}

/** Splits blocks into consecutive batches of at most `size` (default 50). */
export function batches<T>(items: readonly T[], size = MAX_CHILDREN_PER_CALL): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('batch size must be an integer ≥ 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The plain text of a block (for checks and tests). */
export function blockText(b: DocBlock): string {
  const p = Object.entries(b).find(([k]) => k !== 'block_type')?.[1] as TextPayload | undefined;
  return (p?.elements ?? []).map((e) => e.text_run.content).join('');
}

/**
 * The client_token of one batch: deterministic from the publish (report id + revision) and the batch index,
 * so that a retried call or a re-run job never appends the same batch twice. Feishu takes ≤ 100 characters.
 */
export function batchToken(publishId: string, index: number): string {
  const token = `${publishId}-b${index}`;
  if (token.length > 100) throw new RangeError('client_token longer than 100 characters');
  return token;
}
