import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { decode, encode } from '@msgpack/msgpack';
import sharp from 'sharp';
import { type WebSocket, WebSocketServer } from 'ws';
import { foregroundMask } from '../image-processing.js';
import { namedColourValues } from './fal-endpoints.js';

/** The live app (seed 004) and the alias fal's token API scopes tokens to (reference/providers.md 1.9). */
const realtimeAppId = 'bria/video/background-removal';

interface IssuedToken {
  allowedApps: string[];
  expiresAt: number;
}

export interface RealtimeEmulatorOptions {
  /** Added to every frame's processing, to play a service slower than the camera. */
  frameDelayMs?: number;
}

export interface RealtimeStats {
  connections: number;
  framesReceived: number;
  framesAnswered: number;
  /** Connections refused or ended for an unknown or expired token. */
  unauthorized: number;
}

/** Seed 004 input fields, as msgpack carries them. */
interface RealtimeInput {
  image_url?: Uint8Array | string;
  background_type?: string;
  background_color?: string;
  blur_strength?: number;
  background_image_url?: string;
  request_id?: string;
}

async function frameBytes(
  source: Uint8Array | string | undefined,
  loadUrl: (url: string) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (typeof source !== 'string' || source === '') throw new Error('image_url is required');
  if (source.startsWith('data:'))
    return new Uint8Array(Buffer.from(source.slice(source.indexOf(',') + 1), 'base64'));
  return loadUrl(source);
}

/** Composites a frame's subject over the requested background: colour, blur of itself, or an image. */
async function processFrame(
  input: RealtimeInput,
  loadUrl: (url: string) => Promise<Uint8Array>,
): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(await frameBytes(input.image_url, loadUrl))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const mask = foregroundMask({ data, width, height });
  const type = input.background_type ?? 'color';
  let background: Buffer;
  if (type === 'blur') {
    const strength = input.blur_strength ?? 50;
    background = await sharp(data, { raw: { width, height, channels: 4 } })
      .blur(0.3 + (strength / 100) * 20)
      .raw()
      .toBuffer();
  } else if (type === 'image') {
    const image = await frameBytes(input.background_image_url, loadUrl);
    background = await sharp(image).resize(width, height, { fit: 'cover' }).ensureAlpha().raw().toBuffer();
  } else {
    const [red, green, blue] = namedColourValues[input.background_color ?? 'Black'] ?? [0, 0, 0];
    background = await sharp({
      create: { width, height, channels: 4, background: { r: red, g: green, b: blue, alpha: 1 } },
    })
      .raw()
      .toBuffer();
  }
  const output = Buffer.alloc(width * height * 3);
  for (let pixel = 0; pixel < mask.length; pixel++) {
    const alpha = (mask[pixel] ?? 0) / 255;
    for (let channel = 0; channel < 3; channel++) {
      output[pixel * 3 + channel] = Math.round(
        (data[pixel * 4 + channel] ?? 0) * alpha + (background[pixel * 4 + channel] ?? 0) * (1 - alpha),
      );
    }
  }
  const jpeg = await sharp(output, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
  return { jpeg, width, height };
}

function validate(input: RealtimeInput): string | undefined {
  if (input.background_type !== undefined && !['color', 'image', 'blur'].includes(input.background_type)) {
    return `background_type: Input should be 'color', 'image' or 'blur'`;
  }
  if (input.background_color !== undefined && !(input.background_color in namedColourValues)) {
    return `background_color: Input should be ${Object.keys(namedColourValues).join(', ')}`;
  }
  if (
    input.blur_strength !== undefined &&
    (!Number.isInteger(input.blur_strength) || input.blur_strength < 0 || input.blur_strength > 100)
  ) {
    return 'blur_strength: Input should be an integer from 0 to 100';
  }
  return undefined;
}

/**
 * fal's realtime WebSocket protocol for the live app: `?fal_jwt_token=` checked against tokens
 * minted by `POST rest.fal.ai/tokens/`, msgpack frames in and out, one answer per input in
 * order, `{status:"error",error:"Unauthorized"}` for a bad or expired token, and
 * `{type:"x-fal-error"}` then a 1000 close for an invalid input (reference/providers.md 1.9, 4).
 */
export function createRealtimeEmulator(
  options: RealtimeEmulatorOptions,
  loadUrl: (url: string) => Promise<Uint8Array>,
) {
  const tokens = new Map<string, IssuedToken>();
  const sockets = new Set<WebSocket>();
  const server = new WebSocketServer({ noServer: true });
  const stats: RealtimeStats = { connections: 0, framesReceived: 0, framesAnswered: 0, unauthorized: 0 };
  let frameDelayMs = options.frameDelayMs ?? 0;

  const tokenValid = (token: string | null, app: string) => {
    const issued = token ? tokens.get(token) : undefined;
    if (!issued || issued.expiresAt < Date.now()) return false;
    const alias = app.split('/')[1] ?? app;
    // Scoped to the app id, the id with its /realtime path, or the alias (what fal-js asks for).
    return issued.allowedApps.some(
      (allowed) => allowed === app || allowed === `${app}/realtime` || allowed === alias,
    );
  };

  function refuse(socket: WebSocket) {
    stats.unauthorized++;
    socket.send(encode({ status: 'error', error: 'Unauthorized' }));
    socket.close(1008, 'Unauthorized');
  }

  function serve(socket: WebSocket, app: string, token: string | null) {
    stats.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (!tokenValid(token, app)) {
      refuse(socket);
      return;
    }
    // Frames are answered one at a time, in order, as a single worker would.
    let queue = Promise.resolve();
    socket.on('message', (raw: Buffer) => {
      stats.framesReceived++;
      queue = queue.then(async () => {
        if (socket.readyState !== socket.OPEN) return;
        if (!tokenValid(token, app)) {
          refuse(socket);
          return;
        }
        let input: RealtimeInput;
        try {
          input = decode(raw) as RealtimeInput;
        } catch {
          socket.send(
            encode({ type: 'x-fal-error', error: 'INVALID_INPUT', reason: 'the message is not msgpack' }),
          );
          return;
        }
        const problem = validate(input);
        if (problem) {
          socket.send(encode({ type: 'x-fal-error', error: 'VALIDATION_ERROR', reason: problem }));
          socket.close(1000);
          return;
        }
        try {
          if (frameDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, frameDelayMs));
          const frame = await processFrame(input, loadUrl);
          if (socket.readyState !== socket.OPEN) return;
          stats.framesAnswered++;
          socket.send(
            encode({
              images: [
                { content: frame.jpeg, content_type: 'image/jpeg', width: frame.width, height: frame.height },
              ],
              ...(input.request_id ? { request_id: input.request_id } : {}),
            }),
          );
        } catch (error) {
          socket.send(
            encode({ type: 'x-fal-error', error: 'PROCESSING_ERROR', reason: (error as Error).message }),
          );
        }
      });
    });
  }

  return {
    stats,
    /** `POST rest.fal.ai/tokens/` with `{allowed_apps, token_expiration}`: answers the token as a JSON string. */
    mintToken(body: unknown): string {
      const request = (body ?? {}) as { allowed_apps?: unknown; token_expiration?: unknown };
      const allowedApps = Array.isArray(request.allowed_apps) ? request.allowed_apps.map(String) : [];
      const seconds = typeof request.token_expiration === 'number' ? request.token_expiration : 120;
      const token = `fal-jwt-${randomUUID()}`;
      tokens.set(token, { allowedApps, expiresAt: Date.now() + seconds * 1000 });
      return token;
    },
    /** Takes a WebSocket upgrade for `/<app>/realtime`; false when the path is not the live app. */
    handleUpgrade(
      request: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      path: string,
      search: URLSearchParams,
    ): boolean {
      const match = /^\/(.+)\/realtime$/.exec(path);
      if (!match?.[1] || match[1] !== realtimeAppId) return false;
      const app = match[1];
      server.handleUpgrade(request, socket, head, (websocket) =>
        serve(websocket, app, search.get('fal_jwt_token')),
      );
      return true;
    },
    /** Cuts every live connection without a close frame (code 1006 at the client). */
    dropConnections(): void {
      for (const socket of sockets) socket.terminate();
    },
    setFrameDelay(milliseconds: number): void {
      frameDelayMs = milliseconds;
    },
    close(): void {
      for (const socket of sockets) socket.terminate();
      server.close();
    },
  };
}
