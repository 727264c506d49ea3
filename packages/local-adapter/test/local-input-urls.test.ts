import { createBackdrop } from '@backdrop/core/node';
import { type MediaServer, readFixture, startMediaServer } from '@backdrop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocal } from '../src/index.js';

let server: MediaServer;
let photo: string;

beforeAll(async () => {
  server = await startMediaServer();
  photo = server.addFile('/mug.jpg', await readFixture('ruby_mug.jpg'), 'image/jpeg');
});
afterAll(() => server.close());

describe('the local engine fetches a caller URL only where it may', () => {
  const backdrop = createBackdrop({ providers: [createLocal()] });

  it.each([
    ['loopback', () => photo],
    ['IPv6 loopback', () => photo.replace('127.0.0.1', '[::1]')],
    ['hexadecimal loopback', () => photo.replace('127.0.0.1', '0x7f000001')],
    ['link-local metadata', () => 'http://169.254.169.254/latest/meta-data/iam'],
    ['a name that resolves to loopback', () => photo.replace('127.0.0.1', 'localtest.localhost')],
  ])('refuses %s before any request', async (_label, url) => {
    const before = server.requests.length;
    const error = await backdrop.removeBackground({ image: url() }).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'invalid_input', field: 'image' });
    expect(error.message).toMatch(/^image: refused to fetch/);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a redirect to a host name that resolves to loopback', async () => {
    const hop = server.addRedirect('/hop', photo.replace('127.0.0.1', 'localhost'));
    const viaPublic = hop.replace('127.0.0.1', 'cdn.test');
    const guarded = createBackdrop({
      providers: [createLocal()],
      // cdn.test stands for a public host; the test sends it to the loopback server.
      lookupHost: async (host) => (host === 'cdn.test' ? ['93.184.216.34'] : ['127.0.0.1']),
      fetch: (input, init) => fetch(String(input).replace('cdn.test', '127.0.0.1'), init),
    });
    const error = await guarded.removeBackground({ image: viaPublic }).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'invalid_input', field: 'image' });
    expect(error.message).toContain('refused to follow a redirect to localhost');
  });

  it('fetches a loopback URL the caller allowed explicitly', async () => {
    const allowed = createBackdrop({ providers: [createLocal()], allowPrivateAddresses: ['127.0.0.1'] });
    const result = await allowed.removeBackground({ image: photo });
    expect(result.outputs[0]?.width).toBe(1200);
  }, 120_000);
});
