import { type MediaServer, makeSampleImage, startMediaServer } from '@backdrop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../test/support/rejection.js';
import { isPrivateAddress, isPrivateHostName } from './address-policy.js';
import { safeDownload } from './safe-download.js';

let server: MediaServer;
let png: Uint8Array;

beforeAll(async () => {
  server = await startMediaServer();
  png = await makeSampleImage('png', 16, 16);
});
afterAll(() => server.close());

/** The test server is on loopback: allowed explicitly, as a caller would an intranet host. */
const loopback = { allowPrivateAddresses: ['127.0.0.1'] };

/** A fetch that sends a public-looking host to the loopback server, as if it were on the internet. */
function publicHostFetch(publicHost: string): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname === publicHost) {
      url.protocol = 'http:';
      url.host = new URL(server.origin).host;
    }
    return fetch(url, init);
  };
}

describe('address policy', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.9',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::5',
    '::ffff:127.0.0.1',
    '[::1]',
  ])('treats %s as private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111'])('treats %s as public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
  it('treats localhost names as private', () => {
    expect(isPrivateHostName('localhost')).toBe(true);
    expect(isPrivateHostName('api.localhost.')).toBe(true);
    expect(isPrivateHostName('cdn.example.com')).toBe(false);
  });
});

describe('safeDownload', () => {
  it('downloads an output and reports progress', async () => {
    const url = server.addFile('/out.png', png, 'image/png');
    const progress: Array<[number, number | undefined]> = [];
    const file = await safeDownload(url, {
      allowPrivateAddresses: ['127.0.0.1'],
      onProgress: (loaded, total) => progress.push([loaded, total]),
    });
    expect(file.bytes).toEqual(png);
    expect(file.contentType).toBe('image/png');
    expect(progress.at(-1)).toEqual([png.byteLength, png.byteLength]);
  });

  it('decodes data URI outputs', async () => {
    const file = await safeDownload('data:text/plain;base64,aGk=');
    expect(new TextDecoder().decode(file.bytes)).toBe('hi');
  });

  it('refuses other schemes', async () => {
    const error = await rejection(safeDownload('file:///etc/passwd'));
    expect(error.message).toBe('the output URL uses file:; outputs are fetched over http(s) only');
  });

  it('refuses a body over the size cap, declared or streamed', async () => {
    const declared = server.addFile('/big.png', png, 'image/png');
    expect((await rejection(safeDownload(declared, { maxBytes: 100, ...loopback }))).message).toContain(
      'larger than the 100-byte download limit',
    );
    const streamed = server.addFile('/big-chunked.png', png, 'image/png', { chunked: true });
    expect((await rejection(safeDownload(streamed, { maxBytes: 100, ...loopback }))).message).toContain(
      'larger than the 100-byte download limit',
    );
    expect((await safeDownload(streamed, loopback)).bytes).toEqual(png);
  });

  it.each([
    ['loopback', 'http://127.0.0.1:9/secret'],
    ['localhost', 'http://localhost:9/secret'],
    ['private', 'http://10.0.0.5/secret'],
    ['link-local metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 loopback', 'http://[::1]:9/secret'],
    ['decimal loopback', 'http://2130706433/secret'],
  ])('never follows a redirect into a %s address', async (_label, target) => {
    const url = server.addRedirect(`/to-${encodeURIComponent(target)}`, target);
    const before = server.requests.length;
    const error = await rejection(
      safeDownload(url.replace('127.0.0.1', 'cdn.test'), { fetch: publicHostFetch('cdn.test') }),
    );
    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(/refused to follow a redirect to .*(loopback, private or link-local)/);
    expect(server.requests.length).toBe(before + 1);
  });

  it('refuses a redirect to a host name that resolves to a private address', async () => {
    const url = server.addRedirect('/to-intranet', 'http://intranet.corp.test/file.png');
    const error = await rejection(
      safeDownload(url.replace('127.0.0.1', 'cdn.test'), {
        fetch: publicHostFetch('cdn.test'),
        lookupHost: async (host) => (host === 'intranet.corp.test' ? ['10.20.30.40'] : ['93.184.216.34']),
      }),
    );
    expect(error.message).toBe(
      'refused to follow a redirect to intranet.corp.test, which resolves to the private address 10.20.30.40',
    );
  });

  it('follows redirects between public hosts, and refuses non-http targets', async () => {
    server.addFile('/final.png', png, 'image/png');
    const url = server.addRedirect('/hop', 'http://files.test/final.png', 301);
    const file = await safeDownload(url.replace('127.0.0.1', 'cdn.test'), {
      fetch: (input, init) => {
        const target = new URL(String(input));
        if (target.hostname === 'cdn.test' || target.hostname === 'files.test')
          target.host = new URL(server.origin).host;
        return fetch(target, init);
      },
      lookupHost: async () => ['93.184.216.34'],
    });
    expect(file.bytes).toEqual(png);
    const toFile = server.addRedirect('/to-file', 'file:///etc/passwd');
    expect((await rejection(safeDownload(toFile, loopback))).message).toContain(
      'refused to follow a redirect to a file: URL',
    );
  });

  it.each([
    ['loopback', 'http://127.0.0.1:9/secret'],
    ['IPv6 loopback', 'http://[::1]:9/secret'],
    ['hexadecimal loopback', 'http://0x7f000001/secret'],
    ['link-local metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['localhost', 'http://localhost:9/secret'],
  ])('refuses a first URL on a %s address before any request', async (_label, target) => {
    const before = server.requests.length;
    const error = await rejection(safeDownload(target, { fetch: publicHostFetch('never.test') }));
    expect(error.message).toMatch(/^refused to fetch .*(loopback, private or link-local)/);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a first URL whose host name resolves to a private address, unless allowed', async () => {
    const lookupHost = async () => ['127.0.0.1'];
    const url = server.addFile('/named.png', png, 'image/png').replace('127.0.0.1', 'files.test');
    const error = await rejection(safeDownload(url, { lookupHost, fetch: publicHostFetch('files.test') }));
    expect(error.message).toBe(
      'refused to fetch files.test, which resolves to the private address 127.0.0.1',
    );
    const allowed = await safeDownload(url, {
      lookupHost,
      fetch: publicHostFetch('files.test'),
      allowPrivateAddresses: ['127.0.0.0/8'],
    });
    expect(allowed.bytes).toEqual(png);
  });

  it('names the field for a caller input URL it refuses', async () => {
    const error = await rejection(safeDownload('http://[::1]/x.png', { field: 'image' }));
    expect(error).toMatchObject({ code: 'invalid_input', field: 'image' });
    expect(error.message).toMatch(/^image: refused to fetch \[::1\]/);
  });

  it('stops after too many redirects', async () => {
    server.addRedirect('/loop', '/loop');
    const error = await rejection(
      safeDownload('http://cdn.test/loop', {
        maxRedirects: 3,
        fetch: publicHostFetch('cdn.test'),
        lookupHost: async () => ['93.184.216.34'],
      }),
    );
    expect(error.message).toBe('the output URL redirected more than 3 times');
  });

  it('maps HTTP failures: 404 is final, 503 is retryable, 429 is rate limited', async () => {
    expect(await rejection(safeDownload(`${server.origin}/missing`, loopback))).toMatchObject({
      code: 'provider_error',
      retryable: false,
      status: 404,
    });
    const unavailable = server.addStatus('/busy', 503);
    expect(await rejection(safeDownload(unavailable, loopback))).toMatchObject({
      code: 'provider_error',
      retryable: true,
      status: 503,
    });
    const limited = server.addStatus('/limited', 429);
    expect(await rejection(safeDownload(limited, loopback))).toMatchObject({
      code: 'rate_limited',
      status: 429,
    });
  });
});
