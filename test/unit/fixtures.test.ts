// Every recorded payload under test/fixtures/events is parsed by the production schemas (src/feishu/inbound.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toInboundEvent } from '../../src/feishu/inbound.ts';

const DIR = join(import.meta.dirname, '../fixtures/events');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

const EXPECTED_TYPE: Record<string, string> = {
  'im.message.receive_v1': 'message',
  'card.action.trigger': 'card_action',
  'im.chat.access_event.bot_p2p_chat_entered_v1': 'p2p_entered',
  'im.chat.member.bot.added_v1': 'bot_added',
  'im.chat.member.bot.deleted_v1': 'bot_removed',
  'application.bot.menu_v6': 'menu',
};

describe('recorded payloads', () => {
  it('has fixtures for every event type the bot handles', () => {
    const types = new Set(files.map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')).header.event_type));
    for (const t of Object.keys(EXPECTED_TYPE)) expect(types).toContain(t);
  });

  for (const f of files) {
    it(`parses ${f}`, () => {
      const payload = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
      const ev = toInboundEvent(payload);
      expect(ev.eventId).toBe(payload.header.event_id);
      expect(ev.type).toBe(EXPECTED_TYPE[payload.header.event_type] ?? 'unknown');
    });
  }

  it('reads the fields the features use', () => {
    const load = (f: string) => toInboundEvent(JSON.parse(readFileSync(join(DIR, f), 'utf8')));
    expect(load('im.message.receive_v1.text.group-mention.json')).toMatchObject({ type: 'message', text: '截止 1月15日', chatType: 'group' });
    expect(load('im.message.receive_v1.post.json')).toMatchObject({ type: 'message', messageType: 'post' });
    expect((load('im.message.receive_v1.post.json') as { text: string }).text).toContain('一、2023年基层党建主要成绩及经验');
    expect(load('im.message.receive_v1.file.json')).toMatchObject({ fileKey: 'file_v2_3d1f2c9e-0000-0000-0000-000000000000', fileName: '2023年度述职报告.docx' });
    expect(load('card.action.trigger.form.json')).toMatchObject({ type: 'card_action', formValue: { unit: '区财政局' }, messageId: 'om_574d639e4a44e4dd646eaf628e2e4f53' });
    expect(load('card.action.trigger.legacy-toplevel.json')).toMatchObject({ value: { k: 'start' }, operatorOpenId: '867e7b35', messageId: 'om_574d639e4a44e4dd646eaf628e2e4f54' });
    expect(load('application.bot.menu_v6.json')).toMatchObject({ type: 'menu', eventKey: 'report' });
    // The welcome card is sent again when the chat is empty: the event names the chat's last message, if any.
    expect(load('im.chat.access_event.bot_p2p_chat_entered_v1.json')).toMatchObject({ type: 'p2p_entered', lastMessageId: 'om_0000' });
  });
});
