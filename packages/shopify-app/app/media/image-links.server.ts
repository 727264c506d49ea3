import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed links to an item's kept images: an <img> cannot send the session token, so the link
 * itself carries a short-lived HMAC (keyed with the app secret, which never leaves the server).
 */
export function signImageLink(
  secret: string,
  itemId: string,
  kind: 'original' | 'result',
  ttlSeconds = 3600,
): string {
  const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
  const signature = createHmac('sha256', secret).update(`${itemId}:${kind}:${expires}`).digest('base64url');
  return `/images/${itemId}/${kind}?expires=${expires}&signature=${signature}`;
}

export function verifyImageLink(secret: string, itemId: string, kind: string, url: URL): boolean {
  const expires = Number(url.searchParams.get('expires'));
  const signature = url.searchParams.get('signature') ?? '';
  if (!Number.isFinite(expires) || expires < Date.now() / 1000) return false;
  const expected = createHmac('sha256', secret).update(`${itemId}:${kind}:${expires}`).digest();
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
