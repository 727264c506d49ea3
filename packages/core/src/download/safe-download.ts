import { BackdropError } from '../errors/backdrop-error.js';
import { toBackdropError } from '../errors/normalize-error.js';
import { decodeDataUri } from '../media/data-uri.js';
import { resolveFetch } from '../provider/default-fetch.js';
import { codeForHttpStatus, errorFromHttpStatus } from '../provider/http-status-error.js';
import { isAllowedPrivate, isPrivateAddress, isPrivateHostName } from './address-policy.js';

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
  /**
   * Private hosts, addresses or CIDR ranges that may be fetched all the same (a test's loopback
   * emulator, an intranet). Everything else private is refused, first URL and redirects alike.
   */
  allowPrivateAddresses?: readonly string[] | undefined;
  /** For a caller's input URL: refusals are then `invalid_input` errors naming this field. */
  field?: string | undefined;
}

export interface DownloadedFile {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string | undefined;
}

const defaultMaxDownloadBytes = 512 * 1024 * 1024;

function refuse(message: string, provider: string | undefined): BackdropError {
  return new BackdropError({ code: 'provider_error', retryable: false, provider, message });
}

/** Checks where a fetch may go: http(s), and no private address unless allowed. */
async function assertAllowedTarget(target: URL, options: DownloadOptions, redirect: boolean): Promise<void> {
  const refuseTarget = (reason: string) => {
    const what = redirect ? `refused to follow a redirect to` : `refused to fetch`;
    const message = `${what} ${reason}`;
    return options.field
      ? new BackdropError({
          code: 'invalid_input',
          field: options.field,
          provider: options.provider,
          message: `${options.field}: ${message}`,
        })
      : refuse(message, options.provider);
  };
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw refuseTarget(`a ${target.protocol} URL; only http(s) URLs are fetched`);
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const allowed = (address: string) => isAllowedPrivate(address, options.allowPrivateAddresses);
  if (isPrivateHostName(host) && !allowed(host)) {
    throw refuseTarget(
      `${target.hostname}, a loopback, private or link-local address (list it in allowPrivateAddresses to allow it)`,
    );
  }
  if (options.lookupHost && !allowed(host)) {
    const addresses = await options.lookupHost(host);
    const blocked = addresses.find((address) => isPrivateAddress(address) && !allowed(address));
    if (blocked) {
      throw refuseTarget(`${target.hostname}, which resolves to the private address ${blocked}`);
    }
  }
}

function statusError(response: Response, url: URL, provider: string | undefined): BackdropError {
  const { status } = response;
  const where = `${url.host}${url.pathname}`;
  const failure = {
    provider: provider ?? 'download',
    displayName: provider ?? 'the file host',
    status,
    headers: response.headers,
    action: `downloading ${where}`,
    explanation: `HTTP ${status}`,
  };
  const expired = status === 404 || status === 410 ? ' (the output may have expired)' : '';
  const code = codeForHttpStatus(status);
  // An output URL is signed by the provider: any other 4xx is final, whatever its status says.
  const transient = code === 'rate_limited' || code === 'provider_error';
  return errorFromHttpStatus(failure, {
    provider,
    code: transient ? code : 'provider_error',
    retryable: transient,
    message:
      status === 429
        ? `downloading ${where} was rate limited (HTTP 429)`
        : `downloading ${where} failed with HTTP ${status}${expired}`,
  });
}

async function readCapped(
  response: Response,
  maxBytes: number,
  options: DownloadOptions,
): Promise<Uint8Array<ArrayBuffer>> {
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
 * Fetches an output or a caller's input URL: http(s) and data URIs only, a size cap, and the
 * first URL as well as every redirect (followed by hand) checked so that none leads into
 * loopback, private or link-local addresses: literal addresses always, host names through
 * `lookupHost` (DNS, in the Node entry). `allowPrivateAddresses` lets listed ones through.
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
    const message = options.field
      ? `the URL uses ${current.protocol}; inputs are fetched over http(s) only`
      : `the output URL uses ${current.protocol}; outputs are fetched over http(s) only`;
    throw options.field
      ? new BackdropError({
          code: 'invalid_input',
          field: options.field,
          message: `${options.field}: ${message}`,
        })
      : refuse(message, options.provider);
  }
  const fetchFunction = resolveFetch(options.fetch);
  const maxRedirects = options.maxRedirects ?? 5;
  try {
    await assertAllowedTarget(current, options, false);
    for (let redirects = 0; ; redirects++) {
      const response = await fetchFunction(current, { redirect: 'manual', signal: options.signal ?? null });
      if (response.type === 'opaqueredirect') {
        // Browsers hide redirect targets; follow there and check where the answer came from.
        const followed = await fetchFunction(current, { redirect: 'follow', signal: options.signal ?? null });
        const finalUrl = new URL(followed.url || current.href);
        if (finalUrl.href !== current.href) await assertAllowedTarget(finalUrl, options, true);
        if (!followed.ok) throw statusError(followed, finalUrl, options.provider);
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
        await assertAllowedTarget(next, options, true);
        current = next;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw statusError(response, current, options.provider);
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
