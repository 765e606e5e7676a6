// The closed property tables of Card JSON 2.0, one entry per tag, for the fake Open Platform's card checker
// (card-check.ts). "In JSON 2.0 an unsupported property is an error" (卡片 JSON 2.0 版本更新说明, 属性校验变更), so
// whatever is not listed here is refused.
//
// Sources: the official open.feishu.cn pages, read in the copies of wxkingstar/doc-hub-mcp
// (feishu/001-开发指南/飞书卡片/卡片-JSON-构建卡片/…, each copy names its source URL and update date). Page keys:
const DOC = 'https://open.feishu.cn/document/feishu-cards';
export const SOURCES = {
  structure: `${DOC}/card-json-v2-structure (2025-06-23)`,
  breaking: `${DOC}/card-json-v2-breaking-changes-release-notes (2025-03-07)`,
  interactions: `${DOC}/configuring-card-interactions (2025-06-10)`,
  i18n: `${DOC}/configure-multi-language-content (2025-08-12)`,
  title: `${DOC}/card-json-v2-components/content-components/title (2025-10-14)`,
  plainText: `${DOC}/card-json-v2-components/content-components/plain-text (2025-10-20)`,
  richText: `${DOC}/card-json-v2-components/content-components/rich-text (2025-08-12)`,
  divider: `${DOC}/card-json-v2-components/content-components/divider (2025-08-08)`,
  image: `${DOC}/card-json-v2-components/content-components/image (2025-03-28)`,
  columnSet: `${DOC}/card-json-v2-components/containers/column-set (2025-06-23)`,
  panel: `${DOC}/card-json-v2-components/containers/collapsible-panel (2024-12-31)`,
  form: `${DOC}/card-json-v2-components/containers/form-container (2025-06-10)`,
  input: `${DOC}/card-json-v2-components/interactive-components/input (2025-10-14)`,
  button: `${DOC}/card-json-v2-components/interactive-components/button (2025-06-10)`,
  select: `${DOC}/card-json-v2-components/interactive-components/single-select-dropdown-menu (2025-06-10)`,
  multiSelect: `${DOC}/card-json-v2-components/interactive-components/multi-select-dropdown-menu (2025-06-10)`,
  datePicker: `${DOC}/card-json-v2-components/interactive-components/date-picker (2025-06-10)`,
  checker: `${DOC}/card-json-v2-components/interactive-components/checker (2025-09-25)`,
} as const;
//
// Where a page's field table and its own JSON example disagree, the table wins, and a property only in an
// example is left out (the bot does not use any of them); each case is named at its entry. Values are checked
// where the page gives a closed list or a range; margins, paddings, spacings and colours are only checked to
// be strings.
import { HEADER_TEMPLATES } from '../../feishu/card-spec.ts';

export type Props = Readonly<Record<string, Prop>>;

export type Prop =
  | { k: 'string'; required?: true; enum?: readonly string[]; valid?: (v: string) => boolean; what?: string; maxChars?: number }
  | { k: 'boolean'; required?: true; equals?: boolean }
  | { k: 'number'; required?: true; int?: true; min?: number; max?: number; enum?: readonly number[] }
  /** Any JSON value (a historical `value` that may be a string or an object). */
  | { k: 'json'; required?: true }
  /** A JSON object with free keys (callback values, style maps, i18n maps). */
  | { k: 'object'; required?: true }
  | { k: 'strings'; required?: true }
  /** A closed object: a struct of its own table. */
  | { k: 'struct'; required?: true; spec: Struct }
  /** An array of closed objects. */
  | { k: 'list'; required?: true; spec: Struct; max?: number }
  /** Child components (checked by the tag tables below). */
  | { k: 'elements'; required?: true; max?: number }
  /** column_set.columns. */
  | { k: 'columns'; required?: true }
  /** behaviors: entries of BEHAVIORS by their `type`. */
  | { k: 'behaviors'; required?: true };

export interface Struct {
  props: Props;
  /** At least one of these must be present (a text's content may come from i18n_content only). */
  anyOf?: readonly string[];
}

// --- value kinds shared by several pages ------------------------------------------------------------------

const str: Prop = { k: 'string' };
const bool: Prop = { k: 'boolean' };
const ALIGN_H: Prop = { k: 'string', enum: ['left', 'center', 'right'] };
const ALIGN_V: Prop = { k: 'string', enum: ['top', 'center', 'bottom'] };
const DIRECTION: Prop = { k: 'string', enum: ['vertical', 'horizontal'] };
/** "单值/双值/多值 …px": margin, padding, spacings (every page). Checked only as a string. */
const SPACE: Prop = str;

/** element_id on every component and element: "仅允许使用字母、数字和下划线，必须以字母开头，不得超过 20 字符" (structure). */
export const ELEMENT_ID = /^[a-zA-Z][a-zA-Z0-9_]{0,19}$/;
const ELEMENT_ID_PROP: Prop = { k: 'string', valid: (v) => ELEMENT_ID.test(v), what: '1-20 letters, digits or underscores starting with a letter' };

/** Widths of input, button, selects and the date picker: default | fill | [100,∞)px (their pages). */
const CONTROL_WIDTH: Prop = {
  k: 'string',
  valid: (v) => v === 'default' || v === 'fill' || (/^\d+px$/.test(v) && Number.parseInt(v, 10) >= 100),
  what: 'default, fill or a width of at least 100px',
};

/** i18n_content / i18n_default_value / i18n_img_key: a map language → value (i18n page). */
const I18N: Prop = { k: 'object' };

/** Text objects. Content "最多支持 100 个字符" where a page says so; the tag list is the page's. */
function text(tags: readonly string[], o: { required?: true; maxChars?: number; extra?: Props; elementId?: false } = {}): Prop {
  const props: Record<string, Prop> = {
    tag: { k: 'string', required: true, enum: tags },
    content: { k: 'string', ...(o.maxChars !== undefined ? { maxChars: o.maxChars } : {}) },
    i18n_content: I18N,
    ...(o.elementId === false ? {} : { element_id: ELEMENT_ID_PROP }),
    ...o.extra,
  };
  return { k: 'struct', ...(o.required ? { required: true as const } : {}), spec: { props, anyOf: ['content', 'i18n_content'] } };
}
const PLAIN = ['plain_text'] as const;
/** A plain_text object (placeholders, labels, tips, confirm texts, option names). */
const plainText = (o: { required?: true; maxChars?: number } = {}): Prop => text(PLAIN, o);

/** Icons (title, plain-text, rich-text, button, select option pages): standard_icon or custom_icon. */
const ICON_PROPS: Props = {
  tag: { k: 'string', enum: ['standard_icon', 'custom_icon'] },
  token: str,
  color: str,
  img_key: str,
};
const ICON: Prop = { k: 'struct', spec: { props: ICON_PROPS } };

/** confirm (button, input, selects, date picker, checker pages): title and text, both plain_text, both required. */
const CONFIRM: Prop = { k: 'struct', spec: { props: { title: plainText({ required: true }), text: plainText({ required: true }) } } };

/** An option of select_static / multi_select_static (their pages): text, icon, value (string, required). */
const OPTION: Struct = { props: { text: plainText({ required: true }), icon: ICON, value: { k: 'string', required: true } } };

/** Per-platform links (structure: card_link; column-set: action.multi_url). */
const URLS: Props = { url: str, pc_url: str, ios_url: str, android_url: str };
const CLICK_ACTION: Prop = { k: 'struct', spec: { props: { multi_url: { k: 'struct', spec: { props: URLS } } } } };

/** Entries of `behaviors` by type (interactions page). Only these two types exist. */
export const BEHAVIORS: Readonly<Record<string, Struct>> = {
  // "value | 是 | Object": the SDKs support only an object.
  callback: { props: { type: { k: 'string', required: true }, value: { k: 'object', required: true } } },
  open_url: {
    props: { type: { k: 'string', required: true }, default_url: { k: 'string', required: true }, android_url: str, ios_url: str, pc_url: str },
  },
};

// --- the card's top level (structure page; header: title page) --------------------------------------------

export const CONFIG: Struct = {
  props: {
    streaming_mode: bool,
    streaming_config: { k: 'object' },
    summary: { k: 'struct', spec: { props: { content: str, i18n_content: I18N } } },
    locales: { k: 'strings' },
    enable_forward: bool,
    // "JSON 2.0 暂时仅支持设为 true" (structure, breaking changes).
    update_multi: { k: 'boolean', equals: true },
    width_mode: { k: 'string', enum: ['default', 'compact', 'fill'] },
    use_custom_translation: bool,
    enable_forward_interaction: bool,
    style: { k: 'object' },
  },
};

/** Texts of the header: plain_text or lark_md (title page). The title page gives them no element_id ("所有组件（标题组件除外）"). */
const headerText = (required?: true): Prop => text(['plain_text', 'lark_md'], { ...(required ? { required } : {}), elementId: false });

const TEXT_TAG: Struct = {
  props: { tag: { k: 'string', required: true, enum: ['text_tag'] }, element_id: ELEMENT_ID_PROP, text: plainText(), color: str },
};

export const HEADER: Struct = {
  props: {
    title: headerText(true),
    subtitle: headerText(),
    // "最多可添加 3 个标签 … 超过 3 个，则取前 3 个" — more are not an error.
    text_tag_list: { k: 'list', spec: TEXT_TAG },
    i18n_text_tag_list: { k: 'object' },
    template: { k: 'string', enum: HEADER_TEMPLATES },
    icon: ICON,
    padding: SPACE,
  },
};

export const BODY: Struct = {
  props: {
    direction: DIRECTION,
    padding: SPACE,
    horizontal_spacing: SPACE,
    horizontal_align: ALIGN_H,
    vertical_spacing: SPACE,
    vertical_align: ALIGN_V,
    elements: { k: 'elements' },
  },
};

export const TOP: Struct = {
  // `fallback` appears in the breaking-changes page's 2.0 example, but that page also says "JSON 2.0 版本暂不
  // 支持使用 fallback 字段": left out.
  props: {
    schema: { k: 'string', required: true, enum: ['2.0'] },
    config: { k: 'struct', spec: CONFIG },
    card_link: { k: 'struct', spec: { props: URLS } },
    header: { k: 'struct', spec: HEADER },
    body: { k: 'struct', spec: BODY },
  },
};

// --- components ---------------------------------------------------------------------------------------------

export interface TagSpec {
  /** The official page the table comes from. */
  source: string;
  props: Props;
  /** Holds components: in `elements`, or (column_set) in `columns`. Counts toward the 5 nesting levels. */
  container?: true;
  /** Sends a value of its own in a form (needs a card-unique `name` there). */
  interactive?: true;
  /** "仅支持内嵌在表单容器中使用". */
  formOnly?: true;
  /** Properties the pages give only to a component inside a form ("当组件内嵌在表单容器中时，该属性生效 … 其它情况将报错或不生效"). */
  formProps?: readonly string[];
}

/** Properties of every 2.0 component (structure, breaking changes: "各组件均新增的布局类属性"). */
const COMMON: Props = { tag: { k: 'string', required: true }, element_id: ELEMENT_ID_PROP, margin: SPACE };
/** What the input, single-select and date-picker pages give each of them alike. */
const FORM_CONTROL: Props = { name: str, required: bool, disabled: bool, placeholder: plainText({ maxChars: 100 }) };
/** Layout properties of containers with `elements` (breaking changes: "容器类组件(含elements)新增的布局类属性"). */
const LAYOUT: Props = {
  padding: SPACE,
  direction: DIRECTION,
  horizontal_spacing: SPACE,
  vertical_spacing: SPACE,
  horizontal_align: ALIGN_H,
  vertical_align: ALIGN_V,
};

const PANEL_HEADER: Struct = {
  // The page's JSON example also shows `position: "top"`, its table does not: left out.
  props: {
    title: text(['plain_text', 'markdown']),
    background_color: str,
    width: { k: 'string', enum: ['fill', 'auto', 'auto_when_fold'] },
    vertical_align: ALIGN_V,
    padding: SPACE,
    icon: { k: 'struct', spec: { props: { ...ICON_PROPS, size: str } } },
    icon_position: { k: 'string', enum: ['left', 'right', 'follow_text'] },
    icon_expanded_angle: { k: 'number', enum: [-180, -90, 90, 180] },
  },
};

/** Text of the plain-text component and the checker: the styled text object of the plain-text page. */
const styledText = (lines: boolean): Prop =>
  text(['plain_text', 'lark_md'], {
    extra: { text_size: str, text_color: str, text_align: ALIGN_H, ...(lines ? { lines: { k: 'number', int: true, min: 1 } } : {}) },
  });

export const TAGS: Readonly<Record<string, TagSpec>> = {
  // `plain_text` is a text element, not a component: the 2.0 component overview lists the plain-text component
  // as `div`. So a bare {tag: plain_text} in body.elements is refused as an unknown tag.
  markdown: {
    source: SOURCES.richText,
    // text_size: "如果你填写了其它值，卡片将展示为 normal" — any string is accepted.
    props: { ...COMMON, content: { k: 'string', required: true }, i18n_content: I18N, text_align: ALIGN_H, text_size: str, icon: ICON },
  },
  div: {
    // The page's lark_md example also shows `fields`, its table does not: left out.
    source: SOURCES.plainText,
    props: { ...COMMON, width: str, text: styledText(true), icon: ICON },
  },
  hr: { source: SOURCES.divider, props: COMMON },
  img: {
    // mode / custom_width / compact_width are the page's "历史字段", still listed on the 2.0 page.
    source: SOURCES.image,
    props: {
      ...COMMON,
      img_key: { k: 'string', required: true },
      i18n_img_key: I18N,
      alt: plainText({ required: true }),
      title: plainText(),
      corner_radius: str,
      scale_type: { k: 'string', enum: ['crop_center', 'crop_top', 'fit_horizontal'] },
      size: str,
      transparent: bool,
      preview: bool,
      mode: str,
      custom_width: { k: 'number', int: true, min: 278, max: 580 },
      compact_width: bool,
    },
  },
  column_set: {
    // The table lists no padding/direction/vertical_* for column_set itself (columns have them).
    source: SOURCES.columnSet,
    container: true,
    props: {
      ...COMMON,
      horizontal_spacing: SPACE,
      horizontal_align: ALIGN_H,
      flex_mode: { k: 'string', enum: ['none', 'stretch', 'flow', 'bisect', 'trisect'] },
      background_style: str,
      action: CLICK_ACTION,
      columns: { k: 'columns', required: true },
    },
  },
  column: {
    source: SOURCES.columnSet,
    container: true,
    props: {
      ...COMMON,
      ...LAYOUT,
      background_style: str,
      width: {
        k: 'string',
        valid: (v) => v === 'auto' || v === 'weighted' || (/^\d+px$/.test(v) && Number.parseInt(v, 10) >= 16 && Number.parseInt(v, 10) <= 600),
        what: 'auto, weighted or a width of 16px to 600px',
      },
      weight: { k: 'number', int: true, min: 1, max: 5 },
      elements: { k: 'elements' },
      action: CLICK_ACTION,
    },
  },
  collapsible_panel: {
    source: SOURCES.panel,
    container: true,
    props: {
      ...COMMON,
      ...LAYOUT,
      expanded: bool,
      background_color: str,
      header: { k: 'struct', required: true, spec: PANEL_HEADER },
      border: { k: 'struct', spec: { props: { color: str, corner_radius: str } } },
      elements: { k: 'elements' },
    },
  },
  form: {
    source: SOURCES.form,
    container: true,
    props: { ...COMMON, ...LAYOUT, name: { k: 'string', required: true }, elements: { k: 'elements', required: true } },
  },
  input: {
    source: SOURCES.input,
    interactive: true,
    formProps: ['required'],
    props: {
      ...COMMON,
      ...FORM_CONTROL,
      disabled_tips: plainText(),
      default_value: str,
      i18n_default_value: I18N,
      width: CONTROL_WIDTH,
      behaviors: { k: 'behaviors' },
      max_length: { k: 'number', int: true, min: 1, max: 1000 },
      input_type: { k: 'string', enum: ['text', 'multiline_text', 'password'] },
      show_icon: bool,
      rows: { k: 'number', int: true, min: 1 },
      auto_resize: bool,
      max_rows: { k: 'number', min: 1 },
      label: plainText(),
      label_position: { k: 'string', enum: ['top', 'left'] },
      // "历史属性 … 支持 string 或 object".
      value: { k: 'json' },
      confirm: CONFIRM,
    },
  },
  button: {
    source: SOURCES.button,
    interactive: true,
    // "内嵌在表单容器中的按钮组件，新增 name 和 form_action_type 属性" (both 是); action_type is the form page's
    // historical form of form_action_type.
    formProps: ['name', 'form_action_type', 'action_type'],
    props: {
      ...COMMON,
      type: {
        k: 'string',
        enum: ['default', 'primary', 'danger', 'text', 'primary_text', 'danger_text', 'primary_filled', 'danger_filled', 'laser'],
      },
      size: { k: 'string', enum: ['tiny', 'small', 'medium', 'large'] },
      width: CONTROL_WIDTH,
      // "文本的内容，最多支持 100 个字符".
      text: plainText({ maxChars: 100 }),
      icon: ICON,
      hover_tips: plainText(),
      disabled: bool,
      disabled_tips: plainText(),
      confirm: CONFIRM,
      // "behaviors | 是": required, although the multi-select page's own example has submit buttons without.
      behaviors: { k: 'behaviors', required: true },
      name: str,
      form_action_type: { k: 'string', enum: ['submit', 'reset'] },
      action_type: { k: 'string', enum: ['link', 'request', 'multi', 'form_submit', 'form_reset'] },
      // The historical callback value ("如果组件中配置了 value（历史属性）或 behaviors 属性"); used in the page's example.
      value: { k: 'json' },
    },
  },
  select_static: {
    source: SOURCES.select,
    interactive: true,
    formProps: ['required'],
    props: {
      ...COMMON,
      type: { k: 'string', enum: ['default', 'text'] },
      // The single-select page gives no length limit for its placeholder; the multi-select and date-picker
      // pages say 100 characters: the same here (FORM_CONTROL).
      ...FORM_CONTROL,
      // A value of `options` (checked by the checker); initial_index: "0 表示不展示初始选项。1 表示展示第一个选项".
      initial_option: str,
      initial_index: { k: 'number', int: true, min: 0 },
      width: CONTROL_WIDTH,
      behaviors: { k: 'behaviors', required: true },
      options: { k: 'list', spec: OPTION },
      confirm: CONFIRM,
    },
  },
  multi_select_static: {
    // The default selection is `selected_values` (values of `options`); 1.0's `initial_options` does not exist here.
    source: SOURCES.multiSelect,
    interactive: true,
    formOnly: true,
    formProps: ['required'],
    props: {
      ...COMMON,
      type: { k: 'string', enum: ['default', 'text'] },
      name: { k: 'string', required: true },
      placeholder: plainText({ maxChars: 100 }),
      width: CONTROL_WIDTH,
      behaviors: { k: 'behaviors', required: true },
      // Default true on this page (unlike the other controls).
      required: bool,
      disabled: bool,
      selected_values: { k: 'strings' },
      options: { k: 'list', spec: OPTION },
      confirm: CONFIRM,
    },
  },
  date_picker: {
    // The table also marks a `value` (JSON) as required, but the page's own JSON structure and examples have
    // none and its callback carries behaviors' value: accepted, not required.
    source: SOURCES.datePicker,
    interactive: true,
    formProps: ['required'],
    props: {
      ...COMMON,
      ...FORM_CONTROL,
      width: CONTROL_WIDTH,
      behaviors: { k: 'behaviors', required: true },
      initial_date: { k: 'string', valid: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v), what: 'a date yyyy-MM-dd' },
      value: { k: 'object' },
      confirm: CONFIRM,
    },
  },
  checker: {
    // No `required` on this page; behaviors optional ("未配置 behaviors 时 … 仅本地有效").
    source: SOURCES.checker,
    interactive: true,
    props: {
      ...COMMON,
      name: str,
      checked: bool,
      text: styledText(false),
      overall_checkable: bool,
      button_area: {
        k: 'struct',
        spec: { props: { pc_display_rule: str, buttons: { k: 'elements', max: 3 } } },
      },
      checked_style: {
        k: 'struct',
        spec: { props: { show_strikethrough: bool, opacity: { k: 'number', min: 0, max: 1 } } },
      },
      padding: SPACE,
      confirm: CONFIRM,
      behaviors: { k: 'behaviors' },
      hover_tips: plainText(),
      disabled: bool,
      disabled_tips: plainText(),
    },
  },
};

/** 1.0 tags that 2.0 dropped (breaking changes: "废弃备注组件 & 交互模块"): Feishu answers 200861. */
export const V1_ONLY_TAGS: ReadonlySet<string> = new Set(['action', 'note']);
