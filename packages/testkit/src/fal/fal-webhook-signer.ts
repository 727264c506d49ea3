import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export interface FalWebhookKey {
  privateKey: KeyObject;
  publicJwk: { kty: string; crv: string; x: string; kid?: string };
}

export function createFalWebhookKey(keyId = 'emulator-key-1'): FalWebhookKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  return { privateKey, publicJwk: { ...jwk, kid: keyId } };
}

/**
 * The headers fal sends with a webhook: Ed25519 over
 * `request_id \n user_id \n timestamp \n sha256_hex(body)`, hex-encoded (reference/providers.md 1.5).
 */
export function signFalWebhook(options: {
  key: KeyObject;
  requestId: string;
  userId: string;
  body: string | Uint8Array;
  timestampSeconds?: number;
}): Record<string, string> {
  const timestamp = String(options.timestampSeconds ?? Math.floor(Date.now() / 1000));
  const bodyHash = createHash('sha256').update(options.body).digest('hex');
  const message = [options.requestId, options.userId, timestamp, bodyHash].join('\n');
  const signature = sign(null, Buffer.from(message), options.key).toString('hex');
  return {
    'x-fal-webhook-request-id': options.requestId,
    'x-fal-webhook-user-id': options.userId,
    'x-fal-webhook-timestamp': timestamp,
    'x-fal-webhook-signature': signature,
  };
}
