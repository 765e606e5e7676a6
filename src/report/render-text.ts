// Renders a report tree as plain text or Markdown. Pure.
import type { ReportNode, ReportTree } from './types.ts';

function withTitle(tree: ReportTree): ReportNode[] {
  return tree.nodes[0]?.type === 'title' ? tree.nodes : [{ type: 'title', text: tree.title }, ...tree.nodes];
}

function nodeText(node: ReportNode): string {
  return node.type === 'heading' ? node.number + node.text : node.text;
}

/** Plain text: the title line, then one line per heading or paragraph, a blank line between blocks. */
export function renderText(tree: ReportTree): string {
  return withTitle(tree).map(nodeText).join('\n\n') + '\n';
}

/** Escapes what Markdown would read as markup, so that user text prints as typed. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~]/g, '\\$&')
    .replace(/^(#+|>|[-+])(?=\s|$)/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Markdown: `#` title, `##` 一、…, `###` （一）…, `####` 1. …, `#####` （1）…; paragraphs as plain lines. */
export function renderMarkdown(tree: ReportTree): string {
  const blocks = withTitle(tree).map((node) => {
    if (node.type === 'title') return `# ${escapeMarkdown(node.text)}`;
    if (node.type === 'heading') return `${'#'.repeat(node.level + 1)} ${escapeMarkdown(node.number + node.text)}`;
    return escapeMarkdown(node.text);
  });
  return blocks.join('\n\n') + '\n';
}

/** Number of non-whitespace characters: how the checker counts a report's length. */
export function countNonWhitespace(text: string): number {
  let n = 0;
  for (const ch of text) if (!/\s/u.test(ch)) n++;
  return n;
}

/** Report length as the checker counts it: the plain-text rendering without whitespace. */
export function countChars(tree: ReportTree): number {
  return countNonWhitespace(renderText(tree));
}
