import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './http-helpers.js';

/**
 * What the proxy does to one request:
 * - `cut-before`: closes the client's connection before forwarding (the provider never saw it);
 * - `cut-after`: forwards, lets the provider answer, then closes the client's connection
 *   without a byte of the answer (the provider acted, the caller never learns);
 * - `cut-body`: forwards and relays the status, headers and half the body, then closes;
 * - `malformed-json`: forwards, then answers 200 with JSON cut short in place of the answer.
 */
export type ProxyFault = 'cut-before' | 'cut-after' | 'cut-body' | 'malformed-json';

export interface ProxyFaultRule {
  /** Which requests: `METHOD` and a path pattern (`POST /apps/run`, `GET /files/`); any method when omitted. */
  method?: string | undefined;
  path: RegExp;
  fault: ProxyFault;
  /** How many matching requests it hits (default 1). */
  times?: number | undefined;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port>: use it in place of the emulator's origin. */
  readonly origin: string;
  /** Every request that reached the proxy, and what was done to it. */
  readonly log: Array<{ method: string; path: string; fault: ProxyFault | undefined }>;
  add(rule: ProxyFaultRule): void;
  clear(): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The emulator's origin (http://127.0.0.1:<port>). */
  target: string;
}

/** Answers the proxy rewrites, so that URLs in them (outputs, uploads) lead back through it. */
const rewritable = /json|ndjson|text\//;

/**
 * A loopback proxy in front of either emulator that injects transport faults the emulators
 * cannot make themselves: a connection cut before or after the request was forwarded, a body
 * cut half-way, or malformed JSON in place of a real answer. URLs of the emulator in answers
 * are rewritten to the proxy (and back in requests), so output downloads and uploads pass
 * through it too.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const rules: Array<ProxyFaultRule & { remaining: number }> = [];
  const log: FaultProxy['log'] = [];
  let origin = '';

  function take(method: string, path: string): ProxyFault | undefined {
    const index = rules.findIndex(
      (rule) => (rule.method === undefined || rule.method === method) && rule.path.test(path),
    );
    const rule = rules[index];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) rules.splice(index, 1);
    return rule.fault;
  }

  function forward(
    incoming: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    const headers: IncomingMessage['headers'] = {
      ...incoming.headers,
      host: target.host,
      'accept-encoding': 'identity',
      'content-length': String(body.byteLength),
    };
    delete headers['transfer-encoding'];
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers },
        async (answer) => {
          try {
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: await readBody(answer),
            });
          } catch (error) {
            reject(error);
          }
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  const server = createServer(async (incoming: IncomingMessage, response: ServerResponse) => {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const fault = take(method, path);
    log.push({ method, path, fault });
    const received = await readBody(incoming);
    // URLs the proxy handed out go back to the emulator as its own (an uploaded input's URL).
    const body = rewritable.test(String(incoming.headers['content-type'] ?? ''))
      ? Buffer.from(received.toString('utf8').split(origin).join(target.origin))
      : received;
    if (fault === 'cut-before') {
      incoming.socket.destroy();
      return;
    }
    let answer: Awaited<ReturnType<typeof forward>>;
    try {
      answer = await forward(incoming, body);
    } catch {
      incoming.socket.destroy();
      return;
    }
    if (fault === 'cut-after') {
      incoming.socket.destroy();
      return;
    }
    if (fault === 'malformed-json') {
      const text = '{"status": "IN_QUEUE", "request_id": ';
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
      response.end(text);
      return;
    }
    const contentType = String(answer.headers['content-type'] ?? '');
    const bytes = rewritable.test(contentType)
      ? Buffer.from(answer.body.toString('utf8').split(target.origin).join(origin))
      : answer.body;
    const headers = { ...answer.headers, 'content-length': String(bytes.byteLength) };
    delete headers['transfer-encoding'];
    delete headers.connection;
    if (fault === 'cut-body') {
      response.writeHead(answer.status, headers);
      response.write(bytes.subarray(0, Math.floor(bytes.byteLength / 2)), () => incoming.socket.destroy());
      return;
    }
    response.writeHead(answer.status, headers);
    response.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    log,
    add(rule) {
      rules.push({ ...rule, remaining: rule.times ?? 1 });
    },
    clear() {
      rules.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
