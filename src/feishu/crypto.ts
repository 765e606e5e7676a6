// Feishu's event cryptography (reference §2.3, §2.4). Shared by the webhook edge and the fake Open Platform,
// so that both sides of the protocol are the same code only where the protocol itself is the same.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** hex(SHA-256(timestamp + nonce + encryptKey + rawBody)), as in the X-Lark-Signature header. */
export function signBody(timestamp: string, nonce: string, encryptKey: string, rawBody: string | Buffer): string {
  const h = createHash('sha256');
  h.update(timestamp + nonce + encryptKey, 'utf8');
  h.update(rawBody);
  return h.digest('hex');
}

/** Constant-time comparison of two strings (length leak only). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    // Still spend the time of one comparison so that a length mismatch is not cheaper to detect.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

function aesKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey, 'utf8').digest();
}

/** base64(IV || AES-256-CBC(sha256(key), PKCS#7)(plaintext)). */
export function encryptPayload(encryptKey: string, plaintext: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, ct]).toString('base64');
}

/** Decrypts an `encrypt` field. Throws on a wrong key, bad padding or malformed input. */
export function decryptPayload(encryptKey: string, encrypted: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < 32 || (buf.length - 16) % 16 !== 0) throw new Error('encrypted payload has an invalid length');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), buf.subarray(0, 16));
  const text = Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
  // Like the Go SDK, keep only the outer JSON object.
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('decrypted payload is not JSON');
  return text.slice(start, end + 1);
}

export function randomNonce(): string {
  return randomBytes(12).toString('hex');
}
