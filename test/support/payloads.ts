// Payload builders for tests: schema-2.0 envelopes as Feishu sends them, signed and encrypted like Feishu.
import { randomUUID } from 'node:crypto';
import { encryptPayload, randomNonce, signBody } from '../../src/feishu/crypto.ts';

export const TEST_APP_ID = 'cli_0123456789abcdef';
export const TEST_TENANT = 'tenant_test';

export function envelope(eventType: string, event: unknown, o: { eventId?: string; token?: string } = {}) {
  return {
    schema: '2.0',
    header: {
      event_id: o.eventId ?? randomUUID(),
      event_type: eventType,
      create_time: String(Date.now()),
      token: o.token ?? 'vtoken',
      app_id: TEST_APP_ID,
      tenant_key: TEST_TENANT,
    },
    event,
  };
}

export function messageEvent(
  text: string,
  o: { openId?: string; chatId?: string; chatType?: 'p2p' | 'group'; messageId?: string; eventId?: string; token?: string } = {},
) {
  return envelope(
    'im.message.receive_v1',
    {
      sender: { sender_id: { open_id: o.openId ?? 'ou_user1', union_id: 'on_user1' }, sender_type: 'user', tenant_key: TEST_TENANT },
      message: {
        message_id: o.messageId ?? `om_${randomUUID().replace(/-/g, '')}`,
        create_time: String(Date.now()),
        chat_id: o.chatId ?? 'oc_p2p_user1',
        chat_type: o.chatType ?? 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text }),
      },
    },
    o,
  );
}

export function cardActionEvent(value: Record<string, unknown>, o: { openId?: string; messageId?: string; eventId?: string; formValue?: Record<string, unknown> } = {}) {
  return envelope(
    'card.action.trigger',
    {
      operator: { tenant_key: TEST_TENANT, open_id: o.openId ?? 'ou_user1' },
      token: 'c-update-token',
      action: { value, tag: 'button', ...(o.formValue ? { form_value: o.formValue } : {}) },
      host: 'im_message',
      context: { open_message_id: o.messageId ?? 'om_card', open_chat_id: 'oc_p2p_user1' },
    },
    { eventId: o.eventId },
  );
}

/** Encrypts and signs like Feishu. Returns the exact body bytes and the headers. */
export function sealed(payload: unknown, encryptKey: string, o: { timestamp?: number; encrypt?: boolean } = {}) {
  const body = o.encrypt === false ? JSON.stringify(payload) : JSON.stringify({ encrypt: encryptPayload(encryptKey, JSON.stringify(payload)) });
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomNonce();
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signBody(timestamp, nonce, encryptKey, body),
    } as Record<string, string>,
  };
}
