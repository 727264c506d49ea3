import { afterEach, describe, expect, it } from 'vitest';
import {
  type FaultProxy,
  type InferenceShEmulator,
  startFaultProxy,
  startInferenceShEmulator,
} from '../src/index.js';

let emulator: InferenceShEmulator;
let proxy: FaultProxy;

afterEach(async () => {
  await proxy?.close();
  await emulator?.close();
});

async function start() {
  emulator = await startInferenceShEmulator();
  proxy = await startFaultProxy({ target: emulator.origin });
}

const run = () =>
  fetch(`${proxy.origin}/files`, {
    method: 'POST',
    headers: { authorization: 'Bearer inf_test_key', 'content-type': 'application/json' },
    body: JSON.stringify({ files: [{ uri: '', filename: 'a.png', content_type: 'image/png', size: 3 }] }),
  });

describe('fault proxy', () => {
  it('forwards requests and rewrites the emulator origin in answers to its own', async () => {
    await start();
    const response = await run();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(proxy.origin);
    expect(text).not.toContain(emulator.origin);
    expect(emulator.requests.filter((request) => request.path === '/files')).toHaveLength(1);
  });

  it('cuts the connection before forwarding: the emulator never sees the request', async () => {
    await start();
    proxy.add({ method: 'POST', path: /^\/files/, fault: 'cut-before' });
    await expect(run()).rejects.toThrow(/fetch failed/);
    expect(emulator.requests.filter((request) => request.path === '/files')).toHaveLength(0);
  });

  it('cuts the connection after forwarding: the emulator acted, the caller got nothing', async () => {
    await start();
    proxy.add({ method: 'POST', path: /^\/files/, fault: 'cut-after' });
    await expect(run()).rejects.toThrow(/fetch failed/);
    expect(emulator.requests.filter((request) => request.path === '/files')).toHaveLength(1);
  });

  it('cuts a body half-way, and answers malformed JSON in place of the real answer', async () => {
    await start();
    proxy.add({ path: /^\/files/, fault: 'cut-body' });
    const cut = await run();
    await expect(cut.text()).rejects.toThrow();
    proxy.add({ path: /^\/files/, fault: 'malformed-json' });
    const malformed = await run();
    await expect(malformed.json()).rejects.toThrow(SyntaxError);
    expect(proxy.log.map((entry) => entry.fault)).toEqual(['cut-body', 'malformed-json']);
  });
});
