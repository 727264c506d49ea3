import { BackdropError, toBackdropError } from '@backdrop/core';

/** What fal's token API takes: the app's alias (`video` for bria/video/...), as fal-js asks. */
function aliasOf(app: string): string {
  return app.split('/')[1] ?? app;
}

export interface CreateFalRealtimeTokenOptions {
  /** The fal key; defaults to FAL_KEY. Server side only. */
  credentials?: string | undefined;
  /** The live app the token is for. */
  app?: string | undefined;
  /** Lifetime in seconds (fal's default is 120). */
  expirationSeconds?: number | undefined;
  fetch?: typeof fetch | undefined;
}

/**
 * Mints a short-lived token for fal's realtime WebSocket with the key the server holds
 * (`POST https://rest.fal.ai/tokens/`). Run it on your server; hand only the token to browsers.
 */
export async function createFalRealtimeToken(options: CreateFalRealtimeTokenOptions = {}): Promise<string> {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const credentials = options.credentials ?? environment?.FAL_KEY;
  if (!credentials) {
    throw new BackdropError({
      code: 'auth',
      provider: 'fal',
      message: 'minting a fal realtime token needs the fal key: set FAL_KEY on the server',
    });
  }
  const fetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let response: Response;
  try {
    response = await fetchFunction('https://rest.fal.ai/tokens/', {
      method: 'POST',
      headers: {
        authorization: `Key ${credentials}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        allowed_apps: [aliasOf(options.app ?? 'bria/video/background-removal')],
        token_expiration: options.expirationSeconds ?? 120,
      }),
    });
  } catch (error) {
    throw toBackdropError(error, 'fal');
  }
  if (!response.ok) {
    throw new BackdropError({
      code:
        response.status === 401 || response.status === 403
          ? 'auth'
          : response.status === 429
            ? 'rate_limited'
            : 'provider_error',
      provider: 'fal',
      status: response.status,
      message: `fal refused to mint a realtime token (HTTP ${response.status})`,
    });
  }
  const token = (await response.json()) as unknown;
  if (typeof token !== 'string' || token === '') {
    throw new BackdropError({
      code: 'provider_error',
      provider: 'fal',
      retryable: false,
      message: 'fal answered the token request without a token',
    });
  }
  return token;
}

export interface FalRealtimeTokenRouteOptions extends Omit<CreateFalRealtimeTokenOptions, 'app'> {
  /** The apps browsers may ask tokens for (default: the live background removal app). */
  allowedApps?: readonly string[] | undefined;
}

/**
 * A fetch-style route (`(request) => response`) for your server: a browser posts `{ app }` and
 * gets a short-lived token as text, while the key stays on the server.
 */
export function createFalRealtimeTokenRoute(
  options: FalRealtimeTokenRouteOptions = {},
): (request: Request) => Promise<Response> {
  const allowed = options.allowedApps ?? [
    'bria/video/background-removal',
    'bria/video/background-removal/realtime',
  ];
  return async (request) => {
    if (request.method !== 'POST') return new Response('POST a JSON body { "app": "..." }', { status: 405 });
    let app: unknown;
    try {
      app = ((await request.json()) as { app?: unknown }).app;
    } catch {
      return new Response('the body must be JSON: { "app": "..." }', { status: 400 });
    }
    if (typeof app !== 'string' || !allowed.includes(app))
      return new Response('this app may not have a token here', { status: 403 });
    try {
      const token = await createFalRealtimeToken({ ...options, app });
      return new Response(token, {
        status: 200,
        headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' },
      });
    } catch (error) {
      // Never echo the provider's answer: it may describe the key.
      const status = BackdropError.isInstance(error) && error.code === 'auth' ? 401 : 502;
      return new Response('could not mint a fal realtime token', { status });
    }
  };
}
