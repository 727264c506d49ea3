import { randomBytes } from 'node:crypto';
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
  /** The size of every message received, in bytes (frame messages with their background fields). */
  bytesReceived: number;
  /** Messages refused with an `x-fal-error` (after which the connection is closed with 1000). */
  framesRefused: number;
  /** Connections refused or ended for an unknown or expired token. */
  unauthorized: number;
}

/** Seed 004 input fields, once validated: every file field is a string (a URL or a data URI). */
interface RealtimeInput {
  image_url?: string;
  background_type?: string;
  background_color?: string;
  blur_strength?: number;
  background_image_url?: string;
  request_id?: string;
}

async function fileBytes(source: string, loadUrl: (url: string) => Promise<Uint8Array>): Promise<Uint8Array> {
  if (source.startsWith('data:'))
    return new Uint8Array(Buffer.from(source.slice(source.indexOf(',') + 1), 'base64'));
  return loadUrl(source);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file field as fal's input model (pydantic, `str`) reads it: a string that is an http(s)
 * URL or a data URI. msgpack binary is refused as pydantic refuses bytes that are not text.
 */
function fileFieldProblem(field: string, value: unknown, required: boolean): string | undefined {
  let text = value;
  if (value instanceof Uint8Array) {
    try {
      text = utf8.decode(value);
    } catch {
      return `${field}: Input should be a valid string, unable to parse raw data as a unicode string`;
    }
  }
  if (text === undefined || text === null || text === '')
    return required ? `${field}: Field required` : undefined;
  if (typeof text !== 'string') return `${field}: Input should be a valid string`;
  if (!/^(https?:\/\/|data:)/i.test(text)) return `${field}: Input should be a valid URL or data URI`;
  return undefined;
}

/** Composites a frame's subject over the requested background: colour, blur of itself, or an image. */
async function processFrame(
  input: RealtimeInput,
  loadUrl: (url: string) => Promise<Uint8Array>,
): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(await fileBytes(input.image_url ?? '', loadUrl))
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
    const image = await fileBytes(input.background_image_url ?? '', loadUrl);
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

function validate(input: Record<string, unknown>): string | undefined {
  const imageProblem = fileFieldProblem('image_url', input.image_url, true);
  if (imageProblem) return imageProblem;
  const backgroundImageProblem = fileFieldProblem(
    'background_image_url',
    input.background_image_url,
    input.background_type === 'image',
  );
  if (backgroundImageProblem) return backgroundImageProblem;
  if (
    typeof input.background_type !== 'undefined' &&
    (typeof input.background_type !== 'string' || !['color', 'image', 'blur'].includes(input.background_type))
  ) {
    return `background_type: Input should be 'color', 'image' or 'blur'`;
  }
  if (
    input.background_color !== undefined &&
    (typeof input.background_color !== 'string' || !(input.background_color in namedColourValues))
  ) {
    return `background_color: Input should be ${Object.keys(namedColourValues).join(', ')}`;
  }
  if (
    input.blur_strength !== undefined &&
    (typeof input.blur_strength !== 'number' ||
      !Number.isInteger(input.blur_strength) ||
      input.blur_strength < 0 ||
      input.blur_strength > 100)
  ) {
    return 'blur_strength: Input should be an integer from 0 to 100';
  }
  return undefined;
}

/** A JWT as fal's token API mints them: `exp` (seconds) is when the socket stops taking it. */
function mintJwt(allowedApps: string[], expiresAtSeconds: number, issuedAtSeconds: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signature = randomBytes(24).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ allowed_apps: allowedApps, iat: issuedAtSeconds, exp: expiresAtSeconds })}.${signature}`;
}

/**
 * fal's realtime WebSocket protocol for the live app: `?fal_jwt_token=` checked against tokens
 * minted by `POST rest.fal.ai/tokens/` (JWTs whose `exp` is the truth), msgpack frames in and
 * out, one answer per input in order. As fal's realtime app template does, every refusal is a
 * message then a close with code 1000 (which `@fal-ai/client` does not report): an `x-fal-error`
 * for an input the schema refuses (file fields are strings: a URL or a data URI, never binary)
 * or a frame that fails, and `{status:"error",error:"Unauthorized"}` for a bad or expired token
 * (reference/providers.md 1.9, 4).
 */
export function createRealtimeEmulator(
  options: RealtimeEmulatorOptions,
  loadUrl: (url: string) => Promise<Uint8Array>,
) {
  const tokens = new Map<string, IssuedToken>();
  const sockets = new Set<WebSocket>();
  const server = new WebSocketServer({ noServer: true });
  const stats: RealtimeStats = {
    connections: 0,
    framesReceived: 0,
    framesAnswered: 0,
    bytesReceived: 0,
    framesRefused: 0,
    unauthorized: 0,
  };
  let frameDelayMs = options.frameDelayMs ?? 0;

  const tokenValid = (token: string | null, app: string) => {
    const issued = token ? tokens.get(token) : undefined;
    if (!issued || issued.expiresAt <= Date.now()) return false;
    const alias = app.split('/')[1] ?? app;
    // Scoped to the app id, the id with its /realtime path, or the alias (what fal-js asks for).
    return issued.allowedApps.some(
      (allowed) => allowed === app || allowed === `${app}/realtime` || allowed === alias,
    );
  };

  function refuse(socket: WebSocket) {
    stats.unauthorized++;
    socket.send(encode({ status: 'error', error: 'Unauthorized' }));
    socket.close(1000);
  }

  /** What fal's app template does with an error: report it, then end the connection cleanly. */
  function fail(socket: WebSocket, error: string, reason: string) {
    stats.framesRefused++;
    socket.send(encode({ type: 'x-fal-error', error, reason }));
    socket.close(1000);
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
      stats.bytesReceived += raw.byteLength;
      queue = queue.then(async () => {
        if (socket.readyState !== socket.OPEN) return;
        if (!tokenValid(token, app)) {
          refuse(socket);
          return;
        }
        let decoded: unknown;
        try {
          decoded = decode(raw);
        } catch {
          fail(socket, 'INVALID_INPUT', 'the message is not msgpack');
          return;
        }
        if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
          fail(socket, 'VALIDATION_ERROR', 'Input should be a valid dictionary');
          return;
        }
        const problem = validate(decoded as Record<string, unknown>);
        if (problem) {
          fail(socket, 'VALIDATION_ERROR', problem);
          return;
        }
        const input = decoded as RealtimeInput;
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
          if (socket.readyState === socket.OPEN) fail(socket, 'PROCESSING_ERROR', (error as Error).message);
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
      // JWT times are whole seconds; the socket honours exactly the `exp` it carries.
      const issuedAt = Math.floor(Date.now() / 1000);
      const expiresAt = Math.floor((Date.now() + seconds * 1000) / 1000);
      const token = mintJwt(allowedApps, expiresAt, issuedAt);
      tokens.set(token, { allowedApps, expiresAt: expiresAt * 1000 });
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
    /** Makes every token minted so far expire now, as a revoked or lapsed token would. */
    revokeTokens(): void {
      for (const issued of tokens.values()) issued.expiresAt = 0;
    },
    /** Resolves once every token minted so far has expired. */
    async tokensExpired(): Promise<void> {
      const last = Math.max(0, ...[...tokens.values()].map((issued) => issued.expiresAt));
      while (Date.now() < last) await new Promise((resolve) => setTimeout(resolve, last - Date.now() + 1));
    },
    /**
     * Ends every live connection from the server's side, as the app does when it times a
     * connection out: an `x-fal-error` TIMEOUT (which fal's client keeps from `onError`), then 1000.
     */
    closeConnections(): void {
      for (const socket of sockets) {
        socket.send(encode({ type: 'x-fal-error', error: 'TIMEOUT', reason: 'no input for a while' }));
        socket.close(1000);
      }
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
