// The playground's pure renderer: Card JSON 2.0, text, post and file messages, docx documents → HTML.
export {
  BUTTON_TYPES,
  cardProblems,
  elementAt,
  HEADER_TEMPLATES,
  INPUT_TYPES,
  type RenderOptions,
  renderCard,
  SUPPORTED_BEHAVIORS,
  SUPPORTED_ELEMENTS,
  SUPPORTED_TAGS,
} from './card.ts';
export { type DocBlock, type DocView, renderDocument } from './docx.ts';
export { escapeHtml, safeUrl } from './html.ts';
export { MARKDOWN_TAGS, type MarkdownOptions, renderInline, renderMarkdown, unsupportedMarkdownTags } from './markdown.ts';
export { type MessageRenderOptions, renderMessageBody, renderPost, renderTextMessage } from './message.ts';
