// cardRequestBytes counts the escaped send body with one JSON.stringify: it must equal the plain way exactly.
import { describe, expect, it } from 'vitest';
import { cardRequestBytes, requestBodyBytes } from '../../src/feishu/card-spec.ts';

const slow = (card: unknown) => requestBodyBytes({ receive_id: 'x'.repeat(64), msg_type: 'interactive', content: JSON.stringify(card), uuid: 'x'.repeat(50) });

describe('cardRequestBytes', () => {
  it('equals the size of the request body with the card escaped in a string, for any text', () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = ['"', '\\', '\n', '\t', '\u0001', '\u2028', 'a', '中', '“', '😀', '<', "'", '/', '\ud800'];
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: Math.floor(rnd() * 60) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const card = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: text }, { tag: 'button', text: { tag: 'plain_text', content: text.slice(0, 5) } }] } };
      expect(cardRequestBytes(card)).toBe(slow(card));
    }
  });
});
