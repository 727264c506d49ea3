import {
  type BackdropAdapter,
  BackdropError,
  loadApiKey,
  type RemoveBackgroundCall,
  type RemoveVideoBackgroundCall,
  type ReplaceBackgroundCall,
  resolveFetch,
} from '@backdrop/core/provider';

import { createFalClient, type FalClient } from '@fal-ai/client';
import { falCapabilities } from './fal-capabilities.js';
import { createFalFetch } from './fal-fetch.js';
import { prepareFalProviderOptions } from './fal-provider-options.js';
import { createFalQueueClient } from './fal-queue-client.js';
import { createFalQueueOperation } from './fal-queue-operation.js';
import { createFalRealtimeConnector } from './fal-realtime.js';
import { createFalBackgroundFields } from './fal-realtime-background.js';
import { createFalConnectionKeys } from './fal-realtime-connection-keys.js';
import { createFalRealtimeToken } from './fal-realtime-token.js';
import { createFalRealtimeTokens, type FalTokenProvider } from './fal-realtime-tokens.js';
import { falRemoveBackground } from './fal-remove-background.js';
import { falRemoveVideoBackground } from './fal-remove-video-background.js';
import { falReplaceBackground } from './fal-replace-background.js';

export interface FalOptions {
  /** A fal key (`FAL_KEY`, or `key_id:key_secret`). Defaults to the FAL_KEY environment variable, except with a proxy. */
  credentials?: string | undefined;
  /**
   * Send every call through a server that speaks fal's server-proxy protocol (header
   * `x-fal-target-url`), in Node as in browsers: the key then stays on that server.
   */
  proxyUrl?: string | undefined;
  /** The fetch to use (default: the one given to `createBackdrop`, else the global one). */
  fetch?: typeof fetch | undefined;
  /**
   * Gets a short-lived token for live sessions, typically from your own server (see
   * `createFalRealtimeTokenRoute`), so a browser never holds the key. With credentials and no
   * provider, tokens are minted with the key.
   */
  realtimeTokenProvider?: ((app: string) => Promise<string>) | undefined;
  /**
   * The tokens' lifetime in seconds, so a token near expiry is replaced before use (by default
   * the token's own JWT `exp`, else fal's 120 s).
   */
  realtimeTokenExpirationSeconds?: number | undefined;
}

/** Creates the fal adapter: Bria background removal and replacement on fal.ai. */
export function createFal(options: FalOptions = {}): BackdropAdapter {
  // A browser app behind a proxy has no key of its own; the proxy adds it.
  const credentials = options.proxyUrl ? options.credentials : loadApiKey(options.credentials, 'FAL_KEY');
  // One @fal-ai/client per fetch (storage uploads and live sessions), its own retries off.
  const clients = new Map<typeof fetch, FalClient>();

  const getClient = (callFetch?: typeof fetch): FalClient => {
    if (!credentials && !options.proxyUrl && !options.realtimeTokenProvider) {
      throw new BackdropError({
        code: 'auth',
        provider: 'fal',
        message:
          'fal has no credentials: set FAL_KEY, pass createFal({ credentials }), or send calls through a proxyUrl',
      });
    }
    const chosenFetch = resolveFetch(options.fetch, callFetch);
    let client = clients.get(chosenFetch);
    if (!client) {
      client = createFalClient({
        credentials,
        ...(options.proxyUrl ? { proxyUrl: { url: options.proxyUrl, when: 'always' as const } } : {}),
        fetch: createFalFetch(chosenFetch),
        retry: { maxRetries: 0 },
      });
      clients.set(chosenFetch, client);
    }
    return client;
  };

  const fetchFunction = resolveFetch(options.fetch);
  const queue = createFalQueueClient({ credentials, proxyUrl: options.proxyUrl, fetch: options.fetch });
  const tokenProvider: FalTokenProvider =
    options.realtimeTokenProvider ??
    ((app) =>
      credentials
        ? createFalRealtimeToken({
            credentials,
            app,
            expirationSeconds: options.realtimeTokenExpirationSeconds,
            fetch: fetchFunction,
          })
        : Promise.reject(
            new BackdropError({
              code: 'auth',
              provider: 'fal',
              message:
                'fal live sessions need a token: pass createFal({ realtimeTokenProvider }) (or credentials, server side)',
            }),
          ));

  return {
    specificationVersion: 'v1',
    provider: 'fal',
    displayName: 'fal',
    capabilities: falCapabilities,
    prepareProviderOptions: prepareFalProviderOptions,
    async uploadFile(file, context) {
      const url = await getClient(context.fetch).storage.upload(
        new File([file.data], file.fileName, { type: file.contentType }),
      );
      return { url };
    },
    removeBackground: createFalQueueOperation<RemoveBackgroundCall>(queue, falRemoveBackground),
    replaceBackground: createFalQueueOperation<ReplaceBackgroundCall>(queue, falReplaceBackground),
    removeVideoBackground: createFalQueueOperation<RemoveVideoBackgroundCall>(
      queue,
      falRemoveVideoBackground,
    ),
    connectRealtimeVideo: createFalRealtimeConnector({
      getClient,
      tokens: createFalRealtimeTokens(tokenProvider, options.realtimeTokenExpirationSeconds),
      keys: createFalConnectionKeys(),
      // Uploading needs the key (here or behind the proxy); a browser with a token only sends inline.
      backgrounds: createFalBackgroundFields(
        credentials || options.proxyUrl
          ? (bytes, contentType) =>
              getClient().storage.upload(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType }))
          : undefined,
      ),
    }),
  };
}
