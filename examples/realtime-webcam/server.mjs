// A tiny local server for the webcam page: the page, its script (bundled with esbuild at start),
// and a token route that mints short-lived fal tokens with the key only this server holds.
//   FAL_KEY=... node server.mjs        then open the printed address
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createFalRealtimeTokenRoute } from '@backdrop/fal-adapter';
import { build } from 'esbuild';

/** @param {string} path */
const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Turns a Node request into a Fetch Request for the token route.
 * @param {import('node:http').IncomingMessage} request
 * @param {string} origin
 */
async function toFetchRequest(request, origin) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return new Request(new URL(request.url ?? '/', origin), {
    method: request.method,
    headers: Object.entries(request.headers).flatMap(([name, value]) =>
      typeof value === 'string' ? [[name, value]] : [],
    ),
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : Buffer.concat(chunks),
  });
}

/**
 * @param {{ port?: number, credentials?: string, fetch?: typeof fetch }} [options]
 *   `fetch` reaches fal (tests point it at the emulator); `credentials` defaults to FAL_KEY.
 */
export async function startWebcamServer(options = {}) {
  const page = await readFile(here('./index.html'));
  const bundle = await build({
    entryPoints: [here('./src/webcam-app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.contents ?? new Uint8Array();
  const tokenRoute = createFalRealtimeTokenRoute({
    credentials: options.credentials ?? process.env.FAL_KEY,
    fetch: options.fetch,
  });
  let origin = '';
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && (path === '/' || path === '/index.html')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (request.method === 'GET' && path === '/webcam-app.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (path === '/api/fal/realtime-token') {
      const answer = await tokenRoute(await toFetchRequest(request, origin));
      response
        .writeHead(answer.status, Object.fromEntries(answer.headers))
        .end(Buffer.from(await answer.arrayBuffer()));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: `${origin}/`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const running = await startWebcamServer({ port: Number(process.env.PORT ?? 5173) });
  console.log(`Backdrop webcam page: open ${running.url}`);
}
