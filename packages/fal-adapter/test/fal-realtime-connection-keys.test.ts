import { createBackdrop } from '@backdrop/core/node';
import { type FalEmulator, startFalEmulator } from '@backdrop/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFal } from '../src/node.js';
import { installEmulatorWebSocket, makeCameraFrame } from './support/realtime-setup.js';

// The keys the adapter hands fal.realtime.connect: fal's client keeps one state machine per key
// for the life of the page, so a new key per session would grow its cache with every session.
const keysUsed: string[] = [];
vi.mock('@fal-ai/client', async (importOriginal) => {
  const original = await importOriginal<typeof import('@fal-ai/client')>();
  return {
    ...original,
    createFalClient: (config: Parameters<typeof original.createFalClient>[0]) => {
      const client = original.createFalClient(config);
      const connect = client.realtime.connect.bind(client.realtime);
      return {
        ...client,
        realtime: {
          connect: (app: string, handler: Parameters<typeof connect>[1]) => {
            keysUsed.push(handler.connectionKey ?? 'fal-default-random-key');
            return connect(app, handler);
          },
        },
      };
    },
  };
});

let emulator: FalEmulator;
let restore: () => void = () => {};
afterEach(async () => {
  restore();
  await emulator?.close();
});

describe("fal's connection cache", () => {
  it('sessions in a row on one adapter reuse one connection key, and each works', async () => {
    emulator = await startFalEmulator();
    restore = installEmulatorWebSocket(emulator);
    const backdrop = createBackdrop({
      providers: [createFal({ credentials: 'test-fal-key', fetch: emulator.fetch })],
    });
    const frame = await makeCameraFrame();
    for (let index = 0; index < 5; index++) {
      const session = await backdrop.connectRealtimeVideo({ background: 'black' });
      session.send(frame);
      await vi.waitFor(() => expect(session.stats().framesReceived).toBe(1), { timeout: 10_000 });
      await session.close();
    }
    expect(keysUsed).toHaveLength(5);
    expect(new Set(keysUsed).size).toBe(1);
    expect(emulator.realtime.stats).toMatchObject({ connections: 5, framesAnswered: 5 });
  });
});
