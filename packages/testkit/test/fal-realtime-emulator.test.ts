import { decode, encode } from '@msgpack/msgpack';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type FalEmulator, startFalEmulator } from '../src/fal/fal-emulator.js';
import { makeSampleImage } from '../src/sample-media.js';

let emulator: FalEmulator;
afterEach(async () => {
  await emulator?.close();
});

async function mintToken(seconds = 120): Promise<string> {
  const response = await emulator.fetch('https://rest.fal.ai/tokens/', {
    method: 'POST',
    headers: { authorization: 'Key test-fal-key', 'content-type': 'application/json' },
    body: JSON.stringify({ allowed_apps: ['video'], token_expiration: seconds }),
  });
  return (await response.json()) as string;
}

/** Opens the live app's socket, sends one msgpack message, and collects what comes back until it closes. */
async function exchange(token: string, message: unknown) {
  const socket = new WebSocket(
    emulator.webSocketUrl(`wss://fal.run/bria/video/background-removal/realtime?fal_jwt_token=${token}`),
  );
  const received: unknown[] = [];
  socket.on('message', (data: Buffer) => received.push(decode(data)));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(encode(message));
  const code = await new Promise<number>((resolve) => socket.once('close', resolve));
  return { received, code };
}

describe("the fal realtime emulator, as strict as the live app's schema", () => {
  it('refuses a frame sent as msgpack binary, as pydantic refuses bytes for a str field, then closes with 1000', async () => {
    emulator = await startFalEmulator();
    const jpeg = await makeSampleImage('jpeg', 8, 8);
    const { received, code } = await exchange(await mintToken(), {
      image_url: jpeg,
      background_type: 'color',
    });
    expect(received).toEqual([
      {
        type: 'x-fal-error',
        error: 'VALIDATION_ERROR',
        reason: 'image_url: Input should be a valid string, unable to parse raw data as a unicode string',
      },
    ]);
    expect(code).toBe(1000);
    expect(emulator.realtime.stats).toMatchObject({ framesRefused: 1, framesAnswered: 0 });
  });

  it('refuses a string that is neither a URL nor a data URI, and a missing image background', async () => {
    emulator = await startFalEmulator();
    const token = await mintToken();
    expect((await exchange(token, { image_url: 'frame.jpg' })).received).toEqual([
      expect.objectContaining({ reason: 'image_url: Input should be a valid URL or data URI' }),
    ]);
    const jpeg = Buffer.from(await makeSampleImage('jpeg', 8, 8)).toString('base64');
    expect(
      (await exchange(token, { image_url: `data:image/jpeg;base64,${jpeg}`, background_type: 'image' }))
        .received,
    ).toEqual([expect.objectContaining({ reason: 'background_image_url: Field required' })]);
  });

  it('mints JWTs whose exp the socket honours, and answers an expired one with Unauthorized then 1000', async () => {
    emulator = await startFalEmulator();
    const token = await mintToken(1);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    expect(payload.exp - payload.iat).toBe(1);
    await emulator.realtime.tokensExpired();
    const jpeg = Buffer.from(await makeSampleImage('jpeg', 8, 8)).toString('base64');
    const { received, code } = await exchange(token, { image_url: `data:image/jpeg;base64,${jpeg}` });
    expect(received).toEqual([{ status: 'error', error: 'Unauthorized' }]);
    expect(code).toBe(1000);
  });
});
