// A protocol fact shared by everything that reads or writes docx blocks (reference §6.3): the text-like block
// types and the payload field that holds their text. Pure data, safe in the browser bundle too.
export const TEXT_FIELD_OF_TYPE: Readonly<Record<number, string>> = {
  2: 'text',
  3: 'heading1',
  4: 'heading2',
  5: 'heading3',
  6: 'heading4',
  7: 'heading5',
  8: 'heading6',
  9: 'heading7',
  10: 'heading8',
  11: 'heading9',
  12: 'bullet',
  13: 'ordered',
  14: 'code',
  15: 'quote',
  17: 'todo',
};
