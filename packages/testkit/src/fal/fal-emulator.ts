import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from '../fault-injector.js';
import { parseJson, readBody, sendJson } from '../http-helpers.js';
import { createScheduler } from '../scheduler.js';
import {
  type EndpointContext,
  type FalEndpoint,
  type FalImage,
  FalModelFailure,
  falEndpoints,
} from './fal-endpoints.js';
import { createRealtimeEmulator } from './fal-realtime-emulator.js';
import { falModelError } from './fal-validation.js';
import { createFalWebhookKey, type FalWebhookKey, signFalWebhook } from './fal-webhook-signer.js';

/** The hosts fal's client talks to (reference/providers.md 1.1, 1.5, 1.7). */
export const falHosts = ['queue.fal.run', 'fal.run', 'rest.fal.ai', 'rest.alpha.fal.ai'] as const;

// @fal-ai/server-proxy's default allowlist: host + path + query (reference/providers.md 1.8).
const proxyAllowlist = [
  /^fal\.run\/.+/,
  /^queue\.fal\.run\/.+/,
  /^rest\.fal\.ai\/storage\/upload\/initiate\?storage_type=fal-cdn-v3$/,
  /^rest\.fal\.ai\/storage\/upload\/complete-multipart\?.*/,
];

type QueueState = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';

/** What a finished run answers: its status, body and fal's error headers. */
export interface FalOutcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FalJob {
  id: string;
  endpoint: FalEndpoint;
  input: Record<string, unknown>;
  state: QueueState;
  logs: Array<{ message: string; level: 'INFO'; source: 'USER'; timestamp: string }>;
  /** The answer the result call gives once COMPLETED. */
  outcome?: FalOutcome;
  cancelled: boolean;
  webhookUrl?: string;
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
}

export interface RecordedFalRequest {
  method: string;
  /** The fal host addressed (queue.fal.run, ...), or `loopback` for storage and files. */
  host: string;
  path: string;
  search: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** Came in through the server-proxy entry. */
  viaProxy: boolean;
  /** The Authorization the client itself sent (before the proxy added its key). */
  clientAuthorization: string | undefined;
  /** When it arrived (ms since the epoch), for benchmarks that follow a batch's timeline. */
  receivedAt: number;
}

export interface WebhookDelivery {
  url: string;
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
}

export interface FalEmulatorOptions {
  /** Keys accepted as `Authorization: Key <key>`. */
  keys?: readonly string[];
  /** Keys that are valid but may not use the endpoints (403). */
  forbiddenKeys?: readonly string[];
  /** The key the server-proxy entry adds when the client sends none (the app server's FAL_KEY). */
  proxyKey?: string;
  /** How long a job waits in the queue, then runs, in milliseconds. */
  queueMs?: number;
  processingMs?: number;
  /** Prompts containing any of these are refused as a content policy violation. */
  flaggedWords?: readonly string[];
  webhookKey?: FalWebhookKey;
  webhookUserId?: string;
  /** Interval of the keep-alive comment on status streams (fal: 15 s). */
  streamKeepAliveMs?: number;
  /** Added to each live frame's processing, to play a service slower than the camera. */
  realtimeFrameDelayMs?: number;
  /**
   * The origin written into file URLs (uploads and outputs), as fal's CDN serves them
   * (`https://v3.fal.media`); a test routes that origin back to this emulator. Default: its own.
   */
  fileOrigin?: string;
}

export interface FalEmulator {
  readonly origin: string;
  /** The server-proxy entry (`@fal-ai/server-proxy` protocol: header x-fal-target-url). */
  readonly proxyUrl: string;
  /** A fetch that sends fal's hosts to this emulator and everything else through unchanged. */
  readonly fetch: typeof fetch;
  readonly requests: RecordedFalRequest[];
  readonly jobs: Map<string, FalJob>;
  readonly faults: FaultInjector;
  readonly webhookDeliveries: WebhookDelivery[];
  readonly webhookKey: FalWebhookKey;
  /** The bytes of a file the emulator stores (an upload or an output), by its URL. */
  fileAt(url: string): Uint8Array | undefined;
  /** The live app's WebSocket side: counters, drops, and a slow mode. */
  readonly realtime: Pick<
    ReturnType<typeof createRealtimeEmulator>,
    'stats' | 'dropConnections' | 'closeConnections' | 'setFrameDelay' | 'tokensExpired' | 'revokeTokens'
  >;
  /** Rewrites a `wss://fal.run/...` URL to this emulator, for the WebSocket class a test installs. */
  readonly webSocketUrl: (url: string) => string;
  close(): Promise<void>;
}

interface StoredFile {
  bytes: Uint8Array;
  contentType: string;
}

function statusCodeFor(state: QueueState): number {
  return state === 'COMPLETED' ? 200 : 202;
}

export async function startFalEmulator(options: FalEmulatorOptions = {}): Promise<FalEmulator> {
  const keys = new Set(options.keys ?? ['test-fal-key']);
  const forbiddenKeys = new Set(options.forbiddenKeys ?? []);
  const queueMs = options.queueMs ?? 20;
  const processingMs = options.processingMs ?? 40;
  const flaggedWords = options.flaggedWords ?? ['forbidden-content'];
  const webhookKey = options.webhookKey ?? createFalWebhookKey();
  const webhookUserId = options.webhookUserId ?? 'emulated-user';
  const keepAliveMs = options.streamKeepAliveMs ?? 15_000;

  const jobs = new Map<string, FalJob>();
  const files = new Map<string, StoredFile>();
  const multipartUploads = new Map<
    string,
    { fileId: string; contentType: string; parts: Map<number, Buffer> }
  >();
  const requests: RecordedFalRequest[] = [];
  const webhookDeliveries: WebhookDelivery[] = [];
  const faults = new FaultInjector();
  let origin = '';

  const scheduler = createScheduler();
  const later = scheduler.later;
  /** Open status streams and their jobs: told when their job changes, or, while queued, any job. */
  const streamListeners = new Map<() => void, FalJob>();
  const publish = (changed: FalJob) => {
    for (const [listener, job] of streamListeners) {
      // A queued job's position moves when any job ahead leaves the queue.
      if (job === changed || job.state === 'IN_QUEUE') listener();
    }
  };

  function storeFile(bytes: Uint8Array, contentType: string, fileName: string): string {
    const id = randomUUID();
    files.set(id, { bytes, contentType });
    return `${fileOrigin()}/files/${id}/${encodeURIComponent(fileName)}`;
  }

  const fileOrigin = () => options.fileOrigin ?? origin;

  function fileAt(url: string): Uint8Array | undefined {
    const base = [origin, fileOrigin()].find((candidate) => url.startsWith(`${candidate}/`));
    const match = /\/files\/([^/]+)\//.exec(base ? url.slice(base.length) : '');
    return match?.[1] ? files.get(match[1])?.bytes : undefined;
  }

  function endpointContext(job: FalJob | undefined): EndpointContext {
    return {
      flaggedWords,
      log(message) {
        if (!job) return;
        job.logs.push({ message, level: 'INFO', source: 'USER', timestamp: new Date().toISOString() });
        publish(job);
      },
      storeImage(png, width, height, syncMode): FalImage {
        const fileName = `${randomUUID().replaceAll('-', '')}.png`;
        const url = syncMode
          ? `data:image/png;base64,${png.toString('base64')}`
          : storeFile(png, 'image/png', fileName);
        return {
          url,
          content_type: 'image/png',
          file_name: fileName,
          file_size: png.byteLength,
          width,
          height,
        };
      },
      storeFile(bytes, contentType, fileName) {
        return {
          url: storeFile(bytes, contentType, fileName),
          content_type: contentType,
          file_name: fileName,
          file_size: bytes.byteLength,
        };
      },
      async loadFile(url, field) {
        const failure = () =>
          new FalModelFailure(422, [
            falModelError(
              field,
              'file_download_error',
              'Failed to download the file. Please check if the URL is accessible.',
              {
                url,
              },
            ),
          ]);
        if (url.startsWith('data:')) {
          const base64 = url.slice(url.indexOf(',') + 1);
          return new Uint8Array(Buffer.from(base64, 'base64'));
        }
        const stored = fileAt(url);
        if (stored) return stored;
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
          if (!response.ok) throw failure();
          return new Uint8Array(await response.arrayBuffer());
        } catch {
          throw failure();
        }
      },
    };
  }

  function statusBody(job: FalJob, appPath: string, withLogs: boolean): Record<string, unknown> {
    const base = `https://queue.fal.run/${appPath}/requests/${job.id}`;
    // Ahead: queued jobs that arrived earlier. The map keeps arrival order; timestamps would tie
    // for submits within one millisecond.
    const arrivals = [...jobs.values()];
    const queuedAhead = arrivals
      .slice(0, arrivals.indexOf(job))
      .filter((other) => other.state === 'IN_QUEUE' && !other.cancelled).length;
    return {
      status: job.state,
      request_id: job.id,
      response_url: base,
      status_url: `${base}/status`,
      cancel_url: `${base}/cancel`,
      ...(job.state === 'IN_QUEUE' ? { queue_position: queuedAhead } : {}),
      logs: withLogs && job.state !== 'IN_QUEUE' ? job.logs : null,
      ...(job.state === 'COMPLETED'
        ? {
            metrics: {
              inference_time:
                job.completedAt && job.startedAt ? (job.completedAt - job.startedAt) / 1000 : null,
            },
          }
        : {}),
    };
  }

  async function deliverWebhook(job: FalJob): Promise<void> {
    if (!job.webhookUrl || !job.outcome) return;
    const ok = job.outcome.status < 300;
    const body = JSON.stringify({
      request_id: job.id,
      gateway_request_id: job.id,
      status: ok ? 'OK' : 'ERROR',
      payload: job.outcome.body,
      error: ok ? null : `Invalid status code: ${job.outcome.status}`,
    });
    const headers = {
      'content-type': 'application/json',
      ...signFalWebhook({ key: webhookKey.privateKey, requestId: job.id, userId: webhookUserId, body }),
    };
    const delivery: WebhookDelivery = { url: job.webhookUrl, status: undefined, headers, body };
    webhookDeliveries.push(delivery);
    try {
      const response = await fetch(job.webhookUrl, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(5_000),
      });
      delivery.status = response.status;
      await response.body?.cancel();
    } catch {
      delivery.status = undefined;
    }
  }

  /** Runs the model once; a queued job and a synchronous run answer with the same outcome. */
  async function runEndpoint(
    endpoint: FalEndpoint,
    input: Record<string, unknown>,
    job: FalJob | undefined,
  ): Promise<FalOutcome> {
    try {
      return { status: 200, body: await endpoint.run(input, endpointContext(job)) };
    } catch (error) {
      return error instanceof FalModelFailure
        ? { status: error.status, body: { detail: error.detail }, headers: { 'x-fal-retryable': 'false' } }
        : {
            status: 500,
            body: {
              detail: `Internal error: ${(error as Error).message}`,
              error_type: 'runner_server_error',
            },
            headers: { 'x-fal-error-type': 'runner_server_error' },
          };
    }
  }

  async function execute(job: FalJob): Promise<void> {
    const started = Date.now();
    job.outcome = await runEndpoint(job.endpoint, job.input, job);
    const remaining = Math.max(0, processingMs - (Date.now() - started));
    later(remaining, () => {
      if (job.cancelled) return;
      job.state = 'COMPLETED';
      job.completedAt = Date.now();
      publish(job);
      void deliverWebhook(job);
    });
  }

  function submit(
    endpoint: FalEndpoint,
    input: Record<string, unknown>,
    webhookUrl: string | undefined,
  ): FalJob {
    const job: FalJob = {
      id: randomUUID(),
      endpoint,
      input,
      state: 'IN_QUEUE',
      logs: [],
      cancelled: false,
      createdAt: Date.now(),
      ...(webhookUrl ? { webhookUrl } : {}),
    };
    jobs.set(job.id, job);
    later(queueMs, () => {
      if (job.cancelled) return;
      job.state = 'IN_PROGRESS';
      job.startedAt = Date.now();
      job.logs.push({
        message: 'Request started',
        level: 'INFO',
        source: 'USER',
        timestamp: new Date().toISOString(),
      });
      publish(job);
      void execute(job);
    });
    return job;
  }

  function authorize(authorization: string | undefined, response: ServerResponse): boolean {
    const key = /^Key (.+)$/.exec(authorization ?? '')?.[1];
    if (!key) {
      sendJson(response, 401, { detail: 'No credentials provided: send Authorization: Key <FAL_KEY>' });
      return false;
    }
    if (forbiddenKeys.has(key)) {
      sendJson(response, 403, { detail: 'This key may not access this application' });
      return false;
    }
    if (!keys.has(key)) {
      sendJson(response, 401, { detail: 'Invalid API key' });
      return false;
    }
    return true;
  }

  /**
   * The status stream (reference/providers.md 1.3): a `data: <status JSON>` event now and at each
   * change, a comment line every `streamKeepAliveMs`, closed after COMPLETED.
   */
  function streamStatus(job: FalJob, appPath: string, withLogs: boolean, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-fal-request-id': job.id,
    });
    let last = '';
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveMs);
    const stop = () => {
      clearInterval(keepAlive);
      streamListeners.delete(send);
    };
    function send(): void {
      const body = JSON.stringify(statusBody(job, appPath, withLogs));
      if (body !== last) {
        last = body;
        response.write(`data: ${body}\n\n`);
      }
      if (job.state === 'COMPLETED') {
        stop();
        response.end();
      }
    }
    streamListeners.set(send, job);
    response.on('close', stop);
    send();
  }

  async function handleQueue(
    method: string,
    path: string,
    search: URLSearchParams,
    body: unknown,
    response: ServerResponse,
  ): Promise<void> {
    const endpointId = path.replace(/^\//, '');
    const endpoint = falEndpoints.get(endpointId);
    if (method === 'POST' && endpoint) {
      if (await faults.apply({ operation: 'submit' }, response)) return;
      const input = (body ?? {}) as Record<string, unknown>;
      const errors = endpoint.validate(input);
      if (errors.length > 0) {
        sendJson(response, 422, { detail: errors });
        return;
      }
      const job = submit(endpoint, input, search.get('fal_webhook') ?? undefined);
      const [owner, alias] = endpointId.split('/');
      sendJson(response, 200, statusBody(job, `${owner}/${alias}`, false), { 'x-fal-request-id': job.id });
      return;
    }
    const match = /^\/(.+?)\/requests\/([^/]+)(\/status(\/stream)?|\/cancel)?$/.exec(path);
    if (!match) {
      sendJson(response, 404, { detail: `Application '${endpointId}' not found` });
      return;
    }
    const [, appPath = '', requestId = '', suffix = ''] = match;
    const job = jobs.get(requestId);
    const operation =
      suffix === '/status'
        ? 'status'
        : suffix === '/status/stream'
          ? 'stream'
          : suffix === '/cancel'
            ? 'cancel'
            : 'result';
    if (await faults.apply({ operation }, response)) return;
    // The client calls status, result and cancel with owner/alias; the OpenAPI form uses the full id.
    const ownerAlias = appPath.split('/').slice(0, 2).join('/');
    const knownApp = [...falEndpoints.keys()].some(
      (id) => id === appPath || id.startsWith(`${ownerAlias}/`) || id === ownerAlias,
    );
    if (!job || !knownApp || !job.endpoint.id.startsWith(ownerAlias)) {
      if (operation === 'cancel') sendJson(response, 404, { status: 'NOT_FOUND' });
      else sendJson(response, 404, { detail: `Request ${requestId} not found` });
      return;
    }
    const withLogs = search.get('logs') === '1';
    if (operation === 'status' && method === 'GET') {
      sendJson(response, statusCodeFor(job.state), statusBody(job, ownerAlias, withLogs), {
        'x-fal-request-id': job.id,
      });
      return;
    }
    if (operation === 'stream' && method === 'GET') {
      streamStatus(job, ownerAlias, withLogs, response);
      return;
    }
    if (operation === 'cancel' && method === 'PUT') {
      if (job.state === 'COMPLETED') {
        sendJson(response, 400, { status: 'ALREADY_COMPLETED' });
        return;
      }
      job.cancelled = true;
      job.state = 'COMPLETED';
      job.completedAt = Date.now();
      publish(job);
      job.outcome = {
        status: 499,
        body: { detail: 'Request cancelled by the client', error_type: 'client_cancelled' },
        headers: { 'x-fal-error-type': 'client_cancelled' },
      };
      sendJson(response, 202, { status: 'CANCELLATION_REQUESTED' });
      return;
    }
    if (operation === 'result' && method === 'GET') {
      if (job.state !== 'COMPLETED' || !job.outcome) {
        sendJson(response, 400, { detail: 'Request is still in progress' }, { 'x-fal-request-id': job.id });
        return;
      }
      sendJson(response, job.outcome.status, job.outcome.body, {
        'x-fal-request-id': job.id,
        ...job.outcome.headers,
      });
      return;
    }
    sendJson(response, 405, { detail: 'Method Not Allowed' });
  }

  async function handleRun(
    method: string,
    path: string,
    body: unknown,
    response: ServerResponse,
  ): Promise<void> {
    const endpoint = falEndpoints.get(path.replace(/^\//, ''));
    if (!endpoint || method !== 'POST') {
      sendJson(response, 404, { detail: `Application '${path.replace(/^\//, '')}' not found` });
      return;
    }
    if (await faults.apply({ operation: 'run' }, response)) return;
    const input = (body ?? {}) as Record<string, unknown>;
    const errors = endpoint.validate(input);
    if (errors.length > 0) {
      sendJson(response, 422, { detail: errors });
      return;
    }
    const outcome = await runEndpoint(endpoint, input, undefined);
    sendJson(response, outcome.status, outcome.body, {
      'x-fal-request-id': randomUUID(),
      ...outcome.headers,
    });
  }

  async function handleRest(
    method: string,
    path: string,
    search: URLSearchParams,
    body: unknown,
    response: ServerResponse,
  ): Promise<void> {
    const isInitiate = path === '/storage/upload/initiate' || path === '/storage/upload/initiate-multipart';
    if (method === 'POST' && isInitiate) {
      if (await faults.apply({ operation: 'initiate' }, response)) return;
      if (search.get('storage_type') !== 'fal-cdn-v3') {
        sendJson(response, 400, { detail: 'Unsupported storage_type' });
        return;
      }
      const request = (body ?? {}) as { content_type?: unknown; file_name?: unknown };
      if (typeof request.content_type !== 'string' || typeof request.file_name !== 'string') {
        sendJson(response, 422, {
          detail: [{ loc: ['body', 'file_name'], msg: 'Field required', type: 'missing' }],
        });
        return;
      }
      const fileId = randomUUID();
      const fileUrl = `${fileOrigin()}/files/${fileId}/${encodeURIComponent(request.file_name)}`;
      if (path.endsWith('multipart')) {
        const uploadId = randomUUID();
        multipartUploads.set(uploadId, { fileId, contentType: request.content_type, parts: new Map() });
        sendJson(response, 200, {
          upload_url: `${fileOrigin()}/storage/multipart/${uploadId}`,
          file_url: fileUrl,
        });
      } else {
        sendJson(response, 200, { upload_url: `${fileOrigin()}/storage/put/${fileId}`, file_url: fileUrl });
      }
      return;
    }
    sendJson(response, 404, { detail: 'Not Found' });
  }

  async function handleLoopback(
    method: string,
    path: string,
    request: IncomingMessage,
    raw: Buffer,
    response: ServerResponse,
  ): Promise<void> {
    const put = /^\/storage\/put\/([^/]+)$/.exec(path);
    if (put?.[1] && method === 'PUT') {
      if (await faults.apply({ operation: 'upload' }, response)) return;
      files.set(put[1], {
        bytes: new Uint8Array(raw),
        contentType: request.headers['content-type'] ?? 'application/octet-stream',
      });
      response.writeHead(200).end();
      return;
    }
    const part = /^\/storage\/multipart\/([^/]+)\/(\d+|complete)$/.exec(path);
    if (part?.[1] && part[2]) {
      const upload = multipartUploads.get(part[1]);
      if (!upload) {
        sendJson(response, 404, { detail: 'Unknown upload' });
        return;
      }
      if (part[2] === 'complete' && method === 'POST') {
        const { parts } = (parseJson(raw) ?? { parts: [] }) as { parts: Array<{ partNumber: number }> };
        const bytes = Buffer.concat(
          parts.map((entry) => upload.parts.get(entry.partNumber) ?? Buffer.alloc(0)),
        );
        files.set(upload.fileId, { bytes: new Uint8Array(bytes), contentType: upload.contentType });
        sendJson(response, 200, {});
        return;
      }
      const partNumber = Number(part[2]);
      upload.parts.set(partNumber, raw);
      sendJson(response, 200, { partNumber, etag: `"${randomUUID()}"` });
      return;
    }
    const file = /^\/files\/([^/]+)\/[^/]+$/.exec(path);
    if (file?.[1] && method === 'GET') {
      if (await faults.apply({ operation: 'download' }, response)) return;
      const stored = files.get(file[1]);
      if (!stored) {
        sendJson(response, 404, { detail: 'File not found' });
        return;
      }
      response.writeHead(200, {
        'content-type': stored.contentType,
        'content-length': String(stored.bytes.byteLength),
        'access-control-allow-origin': '*',
      });
      response.end(stored.bytes);
      return;
    }
    sendJson(response, 404, { detail: 'Not Found' });
  }

  async function dispatch(
    host: string,
    method: string,
    url: URL,
    _request: IncomingMessage,
    raw: Buffer,
    response: ServerResponse,
    authorization: string | undefined,
  ): Promise<void> {
    const body = parseJson(raw);
    if (host === 'rest.alpha.fal.ai' && url.pathname === '/.well-known/jwks.json') {
      if (await faults.apply({ operation: 'jwks' }, response)) return;
      sendJson(response, 200, { keys: [webhookKey.publicJwk] });
      return;
    }
    if (!authorize(authorization, response)) return;
    if (host === 'queue.fal.run') return handleQueue(method, url.pathname, url.searchParams, body, response);
    if (host === 'fal.run') return handleRun(method, url.pathname, body, response);
    if (host === 'rest.fal.ai' && method === 'POST' && url.pathname === '/tokens/') {
      if (await faults.apply({ operation: 'token' }, response)) return;
      sendJson(response, 201, realtime.mintToken(body));
      return;
    }
    if (host === 'rest.fal.ai') return handleRest(method, url.pathname, url.searchParams, body, response);
    sendJson(response, 404, { detail: `Unknown host ${host}` });
  }

  const server = createServer(async (request, response) => {
    try {
      const method = request.method ?? 'GET';
      const url = new URL(request.url ?? '/', 'http://emulator');
      // A browser app calls its proxy, and PUTs uploads to signed storage URLs, across origins
      // (a Figma plugin's iframe has a null origin): both answer CORS, as deployed ones must.
      response.setHeader('access-control-allow-origin', '*');
      response.setHeader(
        'access-control-expose-headers',
        'x-fal-request-id, retry-after, x-fal-retryable, x-fal-error-type',
      );
      if (method === 'OPTIONS') {
        response.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
          'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
          'access-control-max-age': '600',
        });
        response.end();
        return;
      }
      const raw = await readBody(request);
      const record = (host: string, target: URL, viaProxy: boolean) =>
        requests.push({
          method,
          host,
          path: target.pathname,
          search: target.search,
          headers: request.headers,
          body: parseJson(raw),
          viaProxy,
          clientAuthorization: request.headers.authorization,
          receivedAt: Date.now(),
        });

      if (url.pathname === '/proxy') {
        if (await faults.apply({ operation: 'proxy' }, response)) return;
        const target = request.headers['x-fal-target-url'];
        if (typeof target !== 'string' || !URL.canParse(target)) {
          sendJson(response, 400, { detail: 'Invalid request' });
          return;
        }
        const targetUrl = new URL(target);
        record(targetUrl.hostname, targetUrl, true);
        const matchable = `${targetUrl.hostname}${targetUrl.pathname}${targetUrl.search}`;
        if (!proxyAllowlist.some((pattern) => pattern.test(matchable))) {
          sendJson(response, 403, {
            detail: `Target not allowed: ${targetUrl.hostname}${targetUrl.pathname}`,
          });
          return;
        }
        const authorization =
          request.headers.authorization ?? (options.proxyKey ? `Key ${options.proxyKey}` : undefined);
        await dispatch(targetUrl.hostname, method, targetUrl, request, raw, response, authorization);
        return;
      }
      const hosted = /^\/__host\/([^/]+)(\/.*)?$/.exec(url.pathname);
      if (hosted?.[1]) {
        const target = new URL(`https://${hosted[1]}${hosted[2] ?? '/'}${url.search}`);
        record(hosted[1], target, false);
        await dispatch(hosted[1], method, target, request, raw, response, request.headers.authorization);
        return;
      }
      record('loopback', url, false);
      await handleLoopback(method, url.pathname, request, raw, response);
    } catch (error) {
      if (!response.headersSent)
        sendJson(response, 500, { detail: `Emulator error: ${(error as Error).message}` });
    }
  });
  const realtime = createRealtimeEmulator({ frameDelayMs: options.realtimeFrameDelayMs }, async (url) => {
    const stored = fileAt(url);
    if (stored) return stored;
    const answer = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!answer.ok) throw new Error(`could not download ${url}: HTTP ${answer.status}`);
    return new Uint8Array(await answer.arrayBuffer());
  });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const hosted = /^\/__host\/fal\.run(\/.*)$/.exec(url.pathname);
    if (!hosted?.[1] || !realtime.handleUpgrade(request, socket, head, hosted[1], url.searchParams))
      socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const emulatorFetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!(falHosts as readonly string[]).includes(url.hostname)) return fetch(input, init);
    const rewritten = `${origin}/__host/${url.hostname}${url.pathname}${url.search}`;
    return input instanceof Request ? fetch(new Request(rewritten, input), init) : fetch(rewritten, init);
  };

  return {
    origin,
    proxyUrl: `${origin}/proxy`,
    fetch: emulatorFetch,
    requests,
    jobs,
    faults,
    webhookDeliveries,
    webhookKey,
    fileAt,
    realtime,
    webSocketUrl: (url) =>
      url.replace(/^wss:\/\/fal\.run\//, `ws://${origin.slice('http://'.length)}/__host/fal.run/`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        scheduler.clear();
        realtime.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
