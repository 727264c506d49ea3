// Serves the built plugin as Figma runs it: the manifest's `main` in a Web Worker (the sandbox)
// with a fake `figma`, the manifest's `ui` in a sandboxed iframe (null origin) wearing Figma's
// theme, and `{ pluginMessage }` forwarded both ways. Provider hosts are routed to the emulators.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { MediaServer } from '@backdrop/testkit';
import { build } from 'esbuild';
import type { BrowserContext, Route } from 'playwright-core';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A subset of the variables Figma injects with `themeColors: true`, with its html class. */
const themes = {
  light: {
    class: 'figma-light',
    variables:
      '--figma-color-bg:#ffffff;--figma-color-bg-secondary:#f5f5f5;--figma-color-bg-selected:#e5f4ff;--figma-color-bg-brand:#0d99ff;--figma-color-bg-brand-tertiary:#e5f4ff;--figma-color-bg-disabled:#d9d9d9;--figma-color-text:#000000e5;--figma-color-text-secondary:#00000080;--figma-color-text-onbrand:#ffffff;--figma-color-text-danger:#f24822;--figma-color-border:#e6e6e6;--figma-color-border-selected:#0d99ff',
  },
  dark: {
    class: 'figma-dark',
    variables:
      '--figma-color-bg:#2c2c2c;--figma-color-bg-secondary:#383838;--figma-color-bg-selected:#4a5878;--figma-color-bg-brand:#0c8ce9;--figma-color-bg-brand-tertiary:#394360;--figma-color-bg-disabled:#444444;--figma-color-text:#ffffff;--figma-color-text-secondary:#ffffffb2;--figma-color-text-onbrand:#ffffff;--figma-color-text-danger:#fca397;--figma-color-border:#444444;--figma-color-border-selected:#0c8ce9',
  },
} as const;

export type Theme = keyof typeof themes;

const hostPage = (theme: Theme) => `<!doctype html><html><body style="margin:0">
<iframe id="ui" sandbox="allow-scripts" style="width:380px;height:620px;border:0;display:block"></iframe>
<script>
  const worker = new Worker('/figma-worker.js');
  const ui = document.getElementById('ui');
  const pending = new Map();
  let nextRpc = 0;
  worker.onmessage = (event) => {
    const data = event.data;
    if (data.toUi) ui.contentWindow.postMessage({ pluginMessage: data.toUi }, '*');
    else if (data.rpc) { pending.get(data.rpc)(data); pending.delete(data.rpc); }
  };
  window.addEventListener('message', (event) => {
    if (event.source === ui.contentWindow && event.data && event.data.pluginMessage) {
      worker.postMessage({ fromUi: event.data.pluginMessage });
    }
  });
  window.figmaCall = (method, ...args) => new Promise((resolve, reject) => {
    const rpc = ++nextRpc;
    pending.set(rpc, (data) => (data.error ? reject(new Error(data.error)) : resolve(data.result)));
    worker.postMessage({ rpc, method, args });
  });
  // Figma runs the main code first, then loads the UI it shows.
  window.launchPlugin = async (command, storage) => {
    await window.figmaCall('start', command, storage);
    ui.src = '/ui-${theme}.html';
  };
</script></body></html>`;

/** Serves the built plugin under a host page per theme; returns their URLs. */
export async function servePlugin(server: MediaServer): Promise<Record<Theme, string>> {
  const worker = await build({
    entryPoints: [fileURLToPath(new URL('./figma-worker.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  server.addFile('/figma-worker.js', worker.outputFiles[0]?.contents ?? new Uint8Array(), 'text/javascript');
  const manifest = JSON.parse(await readFile(`${packageRoot}manifest.json`, 'utf8'));
  server.addFile('/main.js', await readFile(`${packageRoot}${manifest.main}`), 'text/javascript');
  const ui = await readFile(`${packageRoot}${manifest.ui}`, 'utf8');
  server.addStatus('/favicon.ico', 204);
  for (const [name, theme] of Object.entries(themes)) {
    server.addPage(
      `/ui-${name}.html`,
      ui.replace('<html lang="en">', `<html lang="en" class="${theme.class}" style="${theme.variables}">`),
    );
  }
  return {
    light: server.addPage('/host-light.html', hostPage('light')),
    dark: server.addPage('/host-dark.html', hostPage('dark')),
  };
}

/** A provider host and where its requests go instead. */
export type HostRoutes = Record<string, (url: URL) => string>;

export interface RoutedRequest {
  method: string;
  url: string;
}

/**
 * Sends the plugin's requests to provider hosts to the emulators and refuses every other host
 * outside the harness, recording each so a test can check them against the manifest.
 */
export async function routeProviderHosts(
  context: BrowserContext,
  harnessOrigin: string,
  routes: HostRoutes,
): Promise<{ routed: RoutedRequest[]; refused: string[] }> {
  const routed: RoutedRequest[] = [];
  const refused: string[] = [];
  await context.route('**/*', async (route: Route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (url.origin === harnessOrigin || url.protocol === 'data:' || url.protocol === 'blob:') {
      await route.continue();
      return;
    }
    const target = routes[url.hostname];
    if (!target) {
      refused.push(request.url());
      await route.abort('blockedbyclient');
      return;
    }
    routed.push({ method: request.method(), url: request.url() });
    const response = await route.fetch({ url: target(url) });
    await route.fulfill({ response });
  });
  return { routed, refused };
}

/** Whether a URL matches one of the manifest's allowedDomains patterns (scheme, host, `*.` wildcard, path prefix). */
export function allowedByManifest(url: string, allowedDomains: readonly string[]): boolean {
  const target = new URL(url);
  return allowedDomains.some((pattern) => {
    const withScheme = /^[a-z]+:\/\//.test(pattern) ? pattern : `https://${pattern}`;
    const [scheme, rest = ''] = withScheme.split('://');
    const slash = rest.indexOf('/');
    const host = slash === -1 ? rest : rest.slice(0, slash);
    const path = slash === -1 ? '' : rest.slice(slash);
    if (`${scheme}:` !== target.protocol) return false;
    const hostMatches = host.startsWith('*.')
      ? target.hostname.endsWith(host.slice(1))
      : target.hostname === host;
    return hostMatches && target.pathname.startsWith(path || '/');
  });
}
