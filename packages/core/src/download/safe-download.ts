import { BackdropError } from '../errors/backdrop-error.js';
import { toBackdropError } from '../errors/normalize-error.js';
import { decodeDataUri } from '../media/data-uri.js';
import { isPrivateAddress, isPrivateHostName } from './address-policy.js';

/** Resolves a host name to its addresses; `@backdrop/core/node` supplies one over DNS. */
export type HostLookup = (hostname: string) => Promise<readonly string[]>;

export interface DownloadOptions {
  /** Refuse bodies larger than this many bytes. Default 512 MB. */
  maxBytes?: number | undefined;
  maxRedirects?: number | undefined;
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
  lookupHost?: HostLookup | undefined;
  onProgress?: ((loadedBytes: number, totalBytes: number | undefined) => void) | undefined;
  /** Names the provider in errors. */
  provider?: string | undefined;
}

export interface DownloadedFile {
  bytes: Uint8Array;
  contentType: string | undefined;
}

const defaultMaxDownloadBytes = 512 * 1024 * 1024;

function refuse(message: string, provider: string | undefined): BackdropError {
  return new BackdropError({ code: 'provider_error', retryable: false, provider, message });
}

async function assertRedirectTarget(target: URL, options: DownloadOptions): Promise<void> {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw refuse(
      `refused to follow a redirect to a ${target.protocol} URL; outputs are fetched over http(s) only`,
      options.provider,
    );
  }
  if (isPrivateHostName(target.hostname)) {
    throw refuse(
      `refused to follow a redirect to ${target.hostname}, a loopback, private or link-local address`,
      options.provider,
    );
  }
  if (options.lookupHost) {
    const addresses = await options.lookupHost(target.hostname.replace(/^\[|\]$/g, ''));
    const blocked = addresses.find((address) => isPrivateAddress(address));
    if (blocked) {
      throw refuse(
        `refused to follow a redirect to ${target.hostname}, which resolves to the private address ${blocked}`,
        options.provider,
      );
    }
  }
}

function statusError(status: number, url: URL, provider: string | undefined): BackdropError {
  const where = `${url.host}${url.pathname}`;
  if (status === 429)
    return new BackdropError({
      code: 'rate_limited',
      provider,
      status,
      message: `downloading ${where} was rate limited (HTTP 429)`,
    });
  if (status >= 500)
    return new BackdropError({
      code: 'provider_error',
      provider,
      status,
      message: `downloading ${where} failed with HTTP ${status}`,
    });
  return new BackdropError({
    code: 'provider_error',
    retryable: false,
    provider,
    status,
    message: `downloading ${where} failed with HTTP ${status}${status === 404 || status === 410 ? ' (the output may have expired)' : ''}`,
  });
}

async function readCapped(
  response: Response,
  maxBytes: number,
  options: DownloadOptions,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const total = Number.isFinite(declared) ? declared : undefined;
  const tooLarge = () =>
    refuse(
      `the output is larger than the ${maxBytes}-byte download limit (maxDownloadBytes)`,
      options.provider,
    );
  if (total !== undefined && total > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  options.onProgress?.(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.byteLength;
    if (loaded > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
    options.onProgress?.(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Fetches an output: http(s) and data URIs only, a size cap, and redirects followed by hand so
 * that none leads into loopback, private or link-local addresses. (The first URL comes from
 * the provider and is trusted; a redirect is where an attacker-controlled hop would hide.)
 */
export async function safeDownload(url: string, options: DownloadOptions = {}): Promise<DownloadedFile> {
  const maxBytes = options.maxBytes ?? defaultMaxDownloadBytes;
  if (url.startsWith('data:')) {
    const decoded = decodeDataUri(url);
    if (!decoded) throw refuse('the output is a malformed data URI', options.provider);
    if (decoded.bytes.byteLength > maxBytes)
      throw refuse(
        `the output is larger than the ${maxBytes}-byte download limit (maxDownloadBytes)`,
        options.provider,
      );
    options.onProgress?.(decoded.bytes.byteLength, decoded.bytes.byteLength);
    return { bytes: decoded.bytes, contentType: decoded.contentType };
  }
  let current = new URL(url);
  if (current.protocol !== 'http:' && current.protocol !== 'https:') {
    throw refuse(
      `the output URL uses ${current.protocol}; outputs are fetched over http(s) only`,
      options.provider,
    );
  }
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const maxRedirects = options.maxRedirects ?? 5;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await fetchFunction(current, { redirect: 'manual', signal: options.signal ?? null });
      if (response.type === 'opaqueredirect') {
        // Browsers hide redirect targets; follow there and check where the answer came from.
        const followed = await fetchFunction(current, { redirect: 'follow', signal: options.signal ?? null });
        const finalUrl = new URL(followed.url || current.href);
        if (finalUrl.href !== current.href) await assertRedirectTarget(finalUrl, options);
        if (!followed.ok) throw statusError(followed.status, finalUrl, options.provider);
        return {
          bytes: await readCapped(followed, maxBytes, options),
          contentType: followed.headers.get('content-type') ?? undefined,
        };
      }
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel();
        if (redirects >= maxRedirects)
          throw refuse(`the output URL redirected more than ${maxRedirects} times`, options.provider);
        const next = new URL(response.headers.get('location') ?? '', current);
        await assertRedirectTarget(next, options);
        current = next;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw statusError(response.status, current, options.provider);
      }
      return {
        bytes: await readCapped(response, maxBytes, options),
        contentType: response.headers.get('content-type') ?? undefined,
      };
    }
  } catch (error) {
    throw toBackdropError(error, options.provider);
  }
}
