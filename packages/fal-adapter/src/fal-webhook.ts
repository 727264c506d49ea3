import { BackdropError, resolveFetch } from '@backdrop/core/provider';

/** Where fal publishes the keys it signs webhooks with. */
export const falJwksUrl = 'https://rest.alpha.fal.ai/.well-known/jwks.json';

export interface VerifyFalWebhookOptions {
  jwksUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** How far the signed timestamp may be from now, in seconds (300). */
  toleranceSeconds?: number | undefined;
  /** For tests: the current time in milliseconds. */
  now?: (() => number) | undefined;
}

/** A verified webhook, as fal sends it when a queued request ends. */
export interface FalWebhookEvent {
  requestId: string;
  gatewayRequestId: string | undefined;
  status: 'OK' | 'ERROR';
  /** The endpoint's output (OK) or its error body (ERROR). */
  payload: unknown;
  error: string | null;
  /** Set when fal could not serialise the payload. */
  payloadError: string | undefined;
}

/** A webhook as a Fetch Request, or the raw parts a Node server has. */
export type FalWebhookInput =
  | Request
  | { headers: Headers | Record<string, string | string[] | undefined>; body: string | Uint8Array };

const jwksCacheMilliseconds = 24 * 60 * 60 * 1000;
// A signature no cached key verifies may come from a rotated key: refetch, but not more often than this.
const jwksRefetchMilliseconds = 5 * 60 * 1000;
const keyCache = new Map<string, { keys: CryptoKey[]; fetchedAt: number }>();

function refuse(message: string): BackdropError {
  return new BackdropError({ code: 'auth', provider: 'fal', message: `fal webhook refused: ${message}` });
}

function header(headers: FalWebhookInput['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++)
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function loadKeys(url: string, fetchFunction: typeof fetch, now: number): Promise<CryptoKey[]> {
  const response = await fetchFunction(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw refuse(`could not fetch fal's signing keys (HTTP ${response.status})`);
  const { keys } = (await response.json()) as { keys?: Array<{ kty?: string; crv?: string; x?: string }> };
  const usable = (keys ?? []).filter(
    (key) => key.kty === 'OKP' && key.crv === 'Ed25519' && typeof key.x === 'string',
  );
  const imported = await Promise.all(
    usable.map((key) =>
      crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: key.x }, { name: 'Ed25519' }, false, [
        'verify',
      ]),
    ),
  );
  keyCache.set(url, { keys: imported, fetchedAt: now });
  return imported;
}

/**
 * Checks a fal webhook: the Ed25519 signature over `request_id\nuser_id\ntimestamp\nsha256(body)`
 * against fal's published keys (cached a day, refetched when a key may have rotated), and a
 * timestamp within the tolerance. Returns the event, or throws an `auth` BackdropError saying why.
 */
export async function verifyFalWebhook(
  input: FalWebhookInput,
  options: VerifyFalWebhookOptions = {},
): Promise<FalWebhookEvent> {
  const now = options.now?.() ?? Date.now();
  const url = options.jwksUrl ?? falJwksUrl;
  const fetchFunction = resolveFetch(options.fetch);
  const tolerance = options.toleranceSeconds ?? 300;
  const headers = input.headers;
  const requestId = header(headers, 'x-fal-webhook-request-id');
  const userId = header(headers, 'x-fal-webhook-user-id');
  const timestamp = header(headers, 'x-fal-webhook-timestamp');
  const signatureHex = header(headers, 'x-fal-webhook-signature');
  const missing = [
    ['x-fal-webhook-request-id', requestId],
    ['x-fal-webhook-user-id', userId],
    ['x-fal-webhook-timestamp', timestamp],
    ['x-fal-webhook-signature', signatureHex],
  ].find(([, value]) => !value);
  if (missing) throw refuse(`the ${missing[0]} header is missing`);

  const signedAt = Number(timestamp);
  if (!Number.isFinite(signedAt))
    throw refuse(`the timestamp ${JSON.stringify(timestamp)} is not a number of seconds`);
  const skew = Math.abs(now / 1000 - signedAt);
  if (skew > tolerance)
    throw refuse(`the timestamp is ${Math.round(skew)} s from now; at most ${tolerance} s is accepted`);

  const signature = hexToBytes(signatureHex ?? '');
  if (!signature) throw refuse('the signature is not hex');
  const body =
    input instanceof Request
      ? new Uint8Array(await input.arrayBuffer())
      : typeof input.body === 'string'
        ? new TextEncoder().encode(input.body)
        : new Uint8Array(input.body);
  const message = new TextEncoder().encode([requestId, userId, timestamp, await sha256Hex(body)].join('\n'));

  const verifyWith = async (keys: CryptoKey[]) => {
    for (const key of keys) {
      if (await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message)) return true;
    }
    return false;
  };
  const cached = keyCache.get(url);
  const fresh = cached && now - cached.fetchedAt < jwksCacheMilliseconds ? cached : undefined;
  let verified = await verifyWith(fresh?.keys ?? (await loadKeys(url, fetchFunction, now)));
  if (!verified && fresh && now - fresh.fetchedAt >= jwksRefetchMilliseconds) {
    verified = await verifyWith(await loadKeys(url, fetchFunction, now));
  }
  if (!verified) throw refuse("the signature matches none of fal's published keys");

  let event: Record<string, unknown>;
  try {
    event = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
  } catch {
    throw refuse('the body is not JSON');
  }
  return {
    requestId: String(event.request_id ?? requestId),
    gatewayRequestId: typeof event.gateway_request_id === 'string' ? event.gateway_request_id : undefined,
    status: event.status === 'OK' ? 'OK' : 'ERROR',
    payload: event.payload,
    error: typeof event.error === 'string' ? event.error : null,
    payloadError: typeof event.payload_error === 'string' ? event.payload_error : undefined,
  };
}
