import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, respondWithFault } from '../fault-injector.js';
import { parseJson, readBody } from '../http-helpers.js';
import { createScheduler } from '../scheduler.js';
import {
  type AppContext,
  AppFailure,
  type InferenceApp,
  type InferenceFile,
  inferenceApps,
} from './inferencesh-apps.js';

/** Task statuses, current numbering (reference/providers.md 2.2): 9 is uploading, 10 completed. */
export const taskStatus = {
  received: 1,
  queued: 2,
  dispatched: 3,
  preparing: 4,
  running: 7,
  cancelling: 8,
  uploading: 9,
  completed: 10,
  failed: 11,
  cancelled: 12,
} as const;

const terminal = new Set<number>([taskStatus.completed, taskStatus.failed, taskStatus.cancelled]);

export interface InferenceTask {
  id: string;
  short_id: string;
  created_at: string;
  updated_at: string;
  status: number;
  app_id: string;
  app_version_id: string;
  function: string;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: string;
  progress: number;
  events: Array<{ status: number; event_time: string }>;
  logs: Array<{ log_type: number; content: string }>;
  session_id: string | null;
  webhook: string | null;
}

export interface RecordedInferenceRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** When it arrived (ms since the epoch), for benchmarks that follow a batch's timeline. */
  receivedAt: number;
}

export interface InferenceShEmulatorOptions {
  apiKeys?: readonly string[];
  /** Milliseconds spent in each of received, queued, preparing; then running. */
  stepMs?: number;
  processingMs?: number;
  flaggedWords?: readonly string[];
  /** How a prompt refused by moderation comes back: a failed task (default) or an HTTP 422 at run. */
  moderationForm?: 'task' | 'http';
  /** Interval of `{"type":"heartbeat"}` lines on task streams. */
  heartbeatMs?: number;
  /**
   * The origin written into upload and output URLs, as inference.sh's file hosts serve them; a
   * test routes that origin back to this emulator. Default: its own.
   */
  fileOrigin?: string;
}

export interface InferenceShEmulator {
  /** The base URL to give the client instead of https://api.inference.sh. */
  readonly origin: string;
  readonly requests: RecordedInferenceRequest[];
  readonly tasks: Map<string, InferenceTask>;
  readonly faults: FaultInjector;
  readonly webhookDeliveries: Array<{ url: string; body: unknown; status: number | undefined }>;
  /** A 429 fault as inference.sh sends it, resetting in `seconds` (X-RateLimit-Reset, epoch seconds). */
  rateLimitFault(seconds: number): {
    type: 'status';
    status: 429;
    headers: Record<string, string>;
    body: unknown;
  };
  fileAt(uri: string): Uint8Array | undefined;
  close(): Promise<void>;
}

type ErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_request'
  | 'rate_limited'
  | 'internal_error'
  | 'prompt_content_moderation';

export async function startInferenceShEmulator(
  options: InferenceShEmulatorOptions = {},
): Promise<InferenceShEmulator> {
  const apiKeys = new Set(options.apiKeys ?? ['inf_test_key']);
  const stepMs = options.stepMs ?? 10;
  const processingMs = options.processingMs ?? 40;
  const flaggedWords = options.flaggedWords ?? ['forbidden-content'];
  const moderationForm = options.moderationForm ?? 'task';
  const heartbeatMs = options.heartbeatMs ?? 200;
  const tasks = new Map<string, InferenceTask>();
  const files = new Map<string, { bytes: Uint8Array; contentType: string; filename: string }>();
  const requests: RecordedInferenceRequest[] = [];
  const webhookDeliveries: InferenceShEmulator['webhookDeliveries'] = [];
  const faults = new FaultInjector();
  const listeners = new Map<string, Set<(changed: string[]) => void>>();
  let origin = '';

  const scheduler = createScheduler();
  const later = scheduler.later;

  /** Answers in the envelope the caller asked for: v1 by default, bare DTOs with X-API-Version: 2. */
  function respond(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    data: unknown,
    headers: Record<string, string> = {},
  ) {
    const bare = request.headers['x-api-version'] === '2';
    const body = bare ? data : { success: true, status, data };
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }

  function fail(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    code: ErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) {
    if (request.headers['x-api-version'] === '2') {
      response.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
      response.end(
        JSON.stringify({
          type: `https://api.inference.sh/errors/${code}`,
          title: code.replaceAll('_', ' '),
          status,
          detail: message,
        }),
      );
      return;
    }
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify({ success: false, status, error: { code, message } }));
  }

  function update(task: InferenceTask, changes: Partial<InferenceTask>) {
    const now = new Date().toISOString();
    Object.assign(task, changes, { updated_at: now });
    if (changes.status !== undefined) task.events.push({ status: changes.status, event_time: now });
    for (const listener of listeners.get(task.id) ?? []) listener([...Object.keys(changes), 'updated_at']);
    if (changes.status !== undefined && terminal.has(changes.status)) void deliverWebhook(task);
  }

  async function deliverWebhook(task: InferenceTask) {
    if (!task.webhook) return;
    const body = {
      id: task.id,
      status: task.status,
      output: task.output,
      error: task.error,
      session_id: task.session_id,
      created_at: task.created_at,
      updated_at: task.updated_at,
    };
    const delivery: InferenceShEmulator['webhookDeliveries'][number] = {
      url: task.webhook,
      body,
      status: undefined,
    };
    webhookDeliveries.push(delivery);
    try {
      const answer = await fetch(task.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      delivery.status = answer.status;
      await answer.body?.cancel();
    } catch {
      delivery.status = undefined;
    }
  }

  function storeFile(bytes: Uint8Array, contentType: string, filename: string): InferenceFile {
    const id = randomUUID();
    files.set(id, { bytes, contentType, filename });
    return {
      uri: `${fileOrigin()}/outputs/${id}/${filename}`,
      content_type: contentType,
      size: bytes.byteLength,
      filename,
    };
  }

  const fileOrigin = () => options.fileOrigin ?? origin;

  function fileAt(uri: string): Uint8Array | undefined {
    const ours = uri.startsWith(`${origin}/`) || uri.startsWith(`${fileOrigin()}/`);
    const id =
      /^inf:\/\/files\/([^/]+)\//.exec(uri)?.[1] ??
      (ours ? /\/outputs\/([^/]+)\//.exec(uri)?.[1] : undefined);
    return id ? files.get(id)?.bytes : undefined;
  }

  function appContext(task: InferenceTask): AppContext {
    return {
      flaggedWords,
      log: (content) => update(task, { logs: [...task.logs, { log_type: 1, content }] }),
      progress: (percent) => update(task, { progress: percent }),
      storeFile,
      async loadFile(reference, field) {
        if (reference.startsWith('data:'))
          return new Uint8Array(Buffer.from(reference.slice(reference.indexOf(',') + 1), 'base64'));
        const stored = fileAt(reference);
        if (stored) return stored;
        try {
          const answer = await fetch(reference, { signal: AbortSignal.timeout(5000) });
          if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
          return new Uint8Array(await answer.arrayBuffer());
        } catch (error) {
          throw new AppFailure(`failed to download ${field} from ${reference}: ${(error as Error).message}`);
        }
      },
    };
  }

  function runTask(task: InferenceTask, app: InferenceApp) {
    const steps = [taskStatus.queued, taskStatus.dispatched, taskStatus.preparing, taskStatus.running];
    steps.forEach((status, index) => {
      later(stepMs * (index + 1), () => {
        if (task.status === taskStatus.cancelling || terminal.has(task.status)) return;
        update(task, { status });
        if (status !== taskStatus.running) return;
        const started = Date.now();
        app
          .run(task.input, appContext(task))
          .then((output) => ({ output, error: '' }))
          .catch((error: unknown) => ({
            output: null,
            error:
              error instanceof AppFailure ? error.message : `internal error: ${(error as Error).message}`,
          }))
          .then(({ output, error }) => {
            later(Math.max(0, processingMs - (Date.now() - started)), () => {
              if (task.status === taskStatus.cancelling || terminal.has(task.status)) return;
              if (error) {
                update(task, { status: taskStatus.failed, error });
                return;
              }
              update(task, { status: taskStatus.uploading });
              later(stepMs, () => update(task, { status: taskStatus.completed, output, progress: 100 }));
            });
          });
      });
    });
  }

  function streamTask(request: IncomingMessage, response: ServerResponse, task: InferenceTask) {
    response.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
    const write = (value: unknown) => response.write(`${JSON.stringify(value)}\n`);
    // The current task first, then partial updates naming the fields that changed.
    write({ data: task });
    const finish = () => {
      clearInterval(heartbeat);
      listeners.get(task.id)?.delete(onChange);
      response.end();
    };
    const onChange = (changed: string[]) => {
      const fields = [...new Set(changed)];
      write({
        data: Object.fromEntries([
          ['id', task.id],
          ...fields.map((field) => [field, task[field as keyof InferenceTask]]),
        ]),
        fields,
      });
      if (terminal.has(task.status)) finish();
    };
    const heartbeat = setInterval(() => write({ type: 'heartbeat' }), heartbeatMs);
    if (terminal.has(task.status)) {
      finish();
      return;
    }
    if (!listeners.has(task.id)) listeners.set(task.id, new Set());
    listeners.get(task.id)?.add(onChange);
    request.on('close', () => {
      clearInterval(heartbeat);
      listeners.get(task.id)?.delete(onChange);
    });
  }

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    method: string,
    path: string,
    raw: Buffer,
  ) {
    const body = parseJson(raw);
    const upload = /^\/upload\/([^/]+)$/.exec(path);
    if (upload?.[1] && method === 'PUT') {
      if (await faults.apply({ operation: 'upload' }, response)) return;
      const file = files.get(upload[1]);
      if (!file) {
        response.writeHead(404).end();
        return;
      }
      file.bytes = new Uint8Array(raw);
      file.contentType = request.headers['content-type'] ?? file.contentType;
      response.writeHead(200).end();
      return;
    }
    const output = /^\/outputs\/([^/]+)\/[^/]+$/.exec(path);
    if (output?.[1] && method === 'GET') {
      if (await faults.apply({ operation: 'download' }, response)) return;
      const file = files.get(output[1]);
      if (!file) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, {
        'content-type': file.contentType,
        'content-length': String(file.bytes.byteLength),
      });
      response.end(file.bytes);
      return;
    }

    const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!key || !apiKeys.has(key)) {
      fail(request, response, 401, 'unauthorized', key ? 'invalid API key' : 'missing API key');
      return;
    }

    if (method === 'POST' && (path === '/apps/run' || path === '/run')) {
      if (await faults.apply({ operation: 'run' }, response)) return;
      const run = (body ?? {}) as { app?: unknown; input?: unknown; webhook?: unknown };
      const app = typeof run.app === 'string' ? inferenceApps.get(run.app.split('@')[0] ?? '') : undefined;
      if (!app) {
        fail(request, response, 404, 'not_found', `app ${JSON.stringify(run.app)} not found`);
        return;
      }
      const input = (run.input ?? {}) as Record<string, unknown>;
      const problems = app.validate(input);
      if (problems.length > 0) {
        fail(
          request,
          response,
          400,
          'invalid_request',
          problems.map((problem) => `input.${problem.field}: ${problem.message}`).join('; '),
        );
        return;
      }
      const prompt = typeof input.prompt === 'string' ? input.prompt.toLowerCase() : '';
      if (
        moderationForm === 'http' &&
        input.prompt_content_moderation !== false &&
        flaggedWords.some((word) => prompt.includes(word))
      ) {
        fail(request, response, 422, 'prompt_content_moderation', 'the prompt failed content moderation');
        return;
      }
      const now = new Date().toISOString();
      const id = randomUUID();
      const task: InferenceTask = {
        id,
        short_id: id.slice(0, 8),
        created_at: now,
        updated_at: now,
        status: taskStatus.received,
        app_id: app.id,
        app_version_id: `${app.id}@emulated`,
        function: 'run',
        input,
        output: null,
        error: '',
        progress: 0,
        events: [{ status: taskStatus.received, event_time: now }],
        logs: [],
        session_id: null,
        webhook: typeof run.webhook === 'string' ? run.webhook : null,
      };
      tasks.set(id, task);
      runTask(task, app);
      respond(request, response, 200, task);
      return;
    }

    if (method === 'POST' && path === '/files') {
      if (await faults.apply({ operation: 'files' }, response)) return;
      const entries = ((body as { files?: unknown } | undefined)?.files ?? []) as Array<{
        filename?: string;
        content_type?: string;
        size?: number;
        path?: string;
      }>;
      if (
        !Array.isArray(entries) ||
        entries.length === 0 ||
        entries.some((entry) => typeof entry.filename !== 'string')
      ) {
        fail(
          request,
          response,
          400,
          'invalid_request',
          'files: each entry needs a filename and a content_type',
        );
        return;
      }
      const created = entries.map((entry) => {
        const id = randomUUID();
        const filename = entry.filename ?? 'file';
        files.set(id, {
          bytes: new Uint8Array(),
          contentType: entry.content_type ?? 'application/octet-stream',
          filename,
        });
        return {
          id,
          uri: `inf://files/${id}/${filename}`,
          upload_url: `${fileOrigin()}/upload/${id}`,
          content_type: entry.content_type,
          size: entry.size,
          filename,
          path: entry.path ?? '',
        };
      });
      respond(request, response, 200, created);
      return;
    }

    const taskRoute = /^\/tasks\/([^/]+)(\/status|\/stream|\/cancel)?$/.exec(path);
    const task = taskRoute?.[1] ? tasks.get(taskRoute[1]) : undefined;
    if (taskRoute) {
      const operation =
        taskRoute[2] === '/status'
          ? 'status'
          : taskRoute[2] === '/stream'
            ? 'stream'
            : taskRoute[2] === '/cancel'
              ? 'cancel'
              : 'task';
      const fault = faults.next({ operation });
      if (fault && (await respondWithFault(fault, response))) return;
      if (!task) {
        fail(request, response, 404, 'not_found', `task ${taskRoute[1]} not found`);
        return;
      }
      if (operation === 'task' && method === 'GET') return respond(request, response, 200, task);
      if (operation === 'status' && method === 'GET')
        return respond(request, response, 200, {
          id: task.id,
          status: task.status,
          updated_at: task.updated_at,
        });
      if (operation === 'stream' && method === 'GET') return streamTask(request, response, task);
      if (operation === 'cancel' && method === 'POST') {
        if (terminal.has(task.status)) {
          fail(request, response, 400, 'invalid_request', `task ${task.id} has already finished`);
          return;
        }
        update(task, { status: taskStatus.cancelling });
        // The worker stops promptly, whatever the pace of the task's own steps.
        later(20, () => update(task, { status: taskStatus.cancelled }));
        respond(request, response, 200, task);
        return;
      }
    }
    fail(request, response, 404, 'not_found', `${method} ${path} not found`);
  }

  const server = createServer(async (request, response) => {
    try {
      const method = request.method ?? 'GET';
      const path = new URL(request.url ?? '/', 'http://emulator').pathname;
      // A browser app (a Figma plugin's UI has a null origin) calls the API across origins.
      response.setHeader('access-control-allow-origin', '*');
      response.setHeader(
        'access-control-expose-headers',
        'x-ratelimit-remaining, x-ratelimit-reset, retry-after',
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
      requests.push({ method, path, headers: request.headers, body: parseJson(raw), receivedAt: Date.now() });
      await handle(request, response, method, path, raw);
    } catch (error) {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            success: false,
            status: 500,
            error: { code: 'internal_error', message: (error as Error).message },
          }),
        );
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    requests,
    tasks,
    faults,
    webhookDeliveries,
    fileAt,
    rateLimitFault: (seconds) => ({
      type: 'status',
      status: 429,
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + seconds),
      },
      body: { success: false, status: 429, error: { code: 'rate_limited', message: 'rate limit exceeded' } },
    }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        scheduler.clear();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
