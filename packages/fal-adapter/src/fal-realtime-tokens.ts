import { BackdropError, toBackdropError } from '@backdrop/core';

export type FalTokenProvider = (app: string) => Promise<string>;

/** fal's token API mints tokens for 120 s unless asked otherwise. */
const defaultLifetimeSeconds = 120;
/** Like fal's client, a token counts as near expiry in the last tenth of its life. */
const refreshShare = 0.1;

/** The `exp` claim of a JWT (seconds), or undefined when the token is not a readable JWT. */
function expiryOf(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

interface CachedToken {
  token: string;
  app: string;
  /** Past this instant the token is near expiry: fetch another before using it. */
  freshUntil: number;
}

/**
 * The live session's tokens: fetched from the caller's provider, kept while fresh, and
 * replaced before use once near expiry. A token's lifetime is its JWT `exp` when it has one,
 * else the configured lifetime, else fal's default of 120 s.
 */
export function createFalRealtimeTokens(provider: FalTokenProvider, lifetimeSeconds: number | undefined) {
  let cached: CachedToken | undefined;
  let fetching: { app: string; token: Promise<string> } | undefined;

  async function fetchToken(app: string): Promise<string> {
    const fetchedAt = Date.now();
    let token: string;
    try {
      token = await provider(app);
    } catch (error) {
      if (BackdropError.isInstance(error)) throw toBackdropError(error, 'fal');
      throw new BackdropError({
        code: 'auth',
        provider: 'fal',
        message: `the fal realtime token provider failed: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    }
    const claimed = expiryOf(token);
    const configured = lifetimeSeconds === undefined ? undefined : fetchedAt + lifetimeSeconds * 1000;
    const expiresAt =
      claimed === undefined
        ? (configured ?? fetchedAt + defaultLifetimeSeconds * 1000)
        : Math.min(claimed * 1000, configured ?? Number.POSITIVE_INFINITY);
    cached = { token, app, freshUntil: expiresAt - Math.max(0, expiresAt - fetchedAt) * refreshShare };
    return token;
  }

  return {
    /** A token for the app that is not near expiry: the kept one, or a new one. */
    fresh(app: string): Promise<string> {
      if (cached && cached.app === app && Date.now() < cached.freshUntil)
        return Promise.resolve(cached.token);
      if (fetching?.app !== app) {
        const token = fetchToken(app).finally(() => {
          if (fetching?.token === token) fetching = undefined;
        });
        fetching = { app, token };
      }
      return fetching.token;
    },
    /** Forgets the kept token after the service refused one, so the next connection fetches another. */
    refused(): void {
      cached = undefined;
    },
  };
}

export type FalRealtimeTokens = ReturnType<typeof createFalRealtimeTokens>;
