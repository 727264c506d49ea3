import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Route =
  | { kind: 'file'; bytes: Uint8Array; contentType: string; chunked: boolean }
  | { kind: 'redirect'; location: string; status: number }
  | { kind: 'status'; status: number; body: string; headers: Record<string, string> };

export interface MediaServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** Every request the server received, in order. */
  readonly requests: Array<{ method: string; path: string; headers: IncomingMessage['headers'] }>;
  /** Serves bytes at a path; `chunked` omits Content-Length. */
  addFile(path: string, bytes: Uint8Array, contentType: string, options?: { chunked?: boolean }): string;
  addRedirect(path: string, location: string, status?: number): string;
  addStatus(
    path: string,
    status: number,
    options?: { body?: string; headers?: Record<string, string> },
  ): string;
  /** Serves a page (CORS-open, for browser tests). */
  addPage(path: string, html: string): string;
  close(): Promise<void>;
}

/** A loopback HTTP server for output downloads and browser pages, CORS-open like a CDN. */
export async function startMediaServer(): Promise<MediaServer> {
  const routes = new Map<string, Route>();
  const requests: MediaServer['requests'] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers });
    response.setHeader('access-control-allow-origin', '*');
    const route = routes.get(path);
    if (!route) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (route.kind === 'redirect') {
      response.writeHead(route.status, { location: route.location }).end();
      return;
    }
    if (route.kind === 'status') {
      response.writeHead(route.status, route.headers).end(route.body);
      return;
    }
    const headers: Record<string, string> = { 'content-type': route.contentType };
    if (!route.chunked) headers['content-length'] = String(route.bytes.byteLength);
    response.writeHead(200, headers);
    if (route.chunked) {
      // Several writes, so the body really arrives in chunks with no declared length.
      const step = Math.max(1, Math.ceil(route.bytes.byteLength / 4));
      for (let offset = 0; offset < route.bytes.byteLength; offset += step) {
        response.write(route.bytes.subarray(offset, offset + step));
      }
      response.end();
    } else {
      response.end(route.bytes);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    addFile(path, bytes, contentType, options = {}) {
      routes.set(path, { kind: 'file', bytes, contentType, chunked: options.chunked ?? false });
      return `${origin}${path}`;
    },
    addRedirect(path, location, status = 302) {
      routes.set(path, { kind: 'redirect', location, status });
      return `${origin}${path}`;
    },
    addStatus(path, status, options = {}) {
      routes.set(path, { kind: 'status', status, body: options.body ?? '', headers: options.headers ?? {} });
      return `${origin}${path}`;
    },
    addPage(path, html) {
      routes.set(path, {
        kind: 'file',
        bytes: new TextEncoder().encode(html),
        contentType: 'text/html; charset=utf-8',
        chunked: false,
      });
      return `${origin}${path}`;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
