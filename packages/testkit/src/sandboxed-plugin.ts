import { build } from 'esbuild';
import type { MediaServer } from './media-server.js';

/**
 * The host page: a sandboxed iframe (origin "null", like a Figma plugin's UI) and
 * `window.askPlugin(request)`, which posts the request in and resolves with the plugin's
 * `{ ok, value }` or `{ ok: false, error }`. The plugin posts `{ ready: true }` once it listens;
 * either side may come first, so the host remembers both and meets in the middle.
 */
const hostPage = `<!doctype html><iframe id="plugin" sandbox="allow-scripts" src="/plugin.html"></iframe>
<script>
  let ready = false, request, answer;
  const send = () => document.getElementById('plugin').contentWindow.postMessage(request, '*');
  window.addEventListener('message', (event) => {
    if (event.data && event.data.ready) { ready = true; if (request) send(); }
    else if (event.data && 'ok' in event.data) answer(event.data);
  });
  window.askPlugin = (next) => new Promise((resolve) => { answer = resolve; request = next; if (ready) send(); });
</script>`;

/**
 * Bundles `entryPath` for the browser and serves it as a plugin in a null-origin iframe; returns
 * the host page's URL. Platform 'browser' makes esbuild fail on any `node:` import, so a passing
 * build also proves the entry is browser-safe.
 */
export async function serveSandboxedPlugin(server: MediaServer, entryPath: string): Promise<string> {
  const bundle = await build({
    entryPoints: [entryPath],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  server.addStatus('/favicon.ico', 204);
  server.addFile('/plugin.js', bundle.outputFiles[0]?.contents ?? new Uint8Array(), 'text/javascript');
  server.addPage('/plugin.html', '<!doctype html><script type="module" src="/plugin.js"></script>');
  return server.addPage('/host.html', hostPage);
}
