import {
  type BackdropAdapter,
  loadApiKey,
  type RemoveBackgroundCall,
  type RemoveVideoBackgroundCall,
  type ReplaceBackgroundCall,
} from '@backdrop/core/provider';
import { inferenceShCapabilities } from './inferencesh-capabilities.js';
import { createInferenceShClient, type InferenceShClient } from './inferencesh-client.js';
import { parseInferenceShProviderOptions } from './inferencesh-provider-options.js';
import { inferenceShRemoveBackground } from './inferencesh-remove-background.js';
import { inferenceShRemoveVideoBackground } from './inferencesh-remove-video-background.js';
import { inferenceShReplaceBackground } from './inferencesh-replace-background.js';
import { createInferenceShTaskOperation } from './inferencesh-task-operation.js';

export interface InferenceShOptions {
  /** An inference.sh API key (inf_...). Defaults to the INFERENCE_API_KEY environment variable. */
  apiKey?: string | undefined;
  /** Defaults to https://api.inference.sh. */
  baseUrl?: string | undefined;
  /**
   * The fetch to use; else the one given to `createBackdrop`, else the global one (in Node, the
   * default entry's undici with a shared keep-alive agent).
   */
  fetch?: typeof fetch | undefined;
  /** The fetch used when nobody chose one; the Node entry sets its keep-alive fetch. */
  defaultFetch?: typeof fetch | undefined;
  /** 1 (default): the `{success, status, data}` envelope; 2: bare answers and problem+json errors. */
  apiVersion?: 1 | 2 | undefined;
}

/** Creates the inference.sh adapter: Bria background removal and replacement on inference.sh apps. */
export function createInferenceSh(options: InferenceShOptions = {}): BackdropAdapter {
  const client: InferenceShClient = createInferenceShClient({
    apiKey: loadApiKey(options.apiKey, 'INFERENCE_API_KEY'),
    baseUrl: (options.baseUrl ?? 'https://api.inference.sh').replace(/\/+$/, ''),
    fetch: options.fetch,
    defaultFetch: options.defaultFetch,
    apiVersion: options.apiVersion ?? 1,
  });
  const getClient = () => client;
  return {
    specificationVersion: 'v1',
    provider: 'inferencesh',
    displayName: 'inference.sh',
    capabilities: inferenceShCapabilities,
    prepareProviderOptions(_operation, providerOptions) {
      parseInferenceShProviderOptions(providerOptions);
      return {};
    },
    async uploadFile(file, context) {
      const [created] = await client.call<Array<{ uri: string; upload_url: string }>>(
        'POST',
        '/files',
        {
          files: [{ uri: '', filename: file.fileName, content_type: file.contentType, size: file.data.size }],
        },
        context,
      );
      if (!created) throw new Error('inference.sh created no file');
      await client.upload(created.upload_url, file.data, file.contentType, context);
      return { url: created.uri };
    },
    removeBackground: createInferenceShTaskOperation<RemoveBackgroundCall>(
      getClient,
      inferenceShRemoveBackground,
    ),
    replaceBackground: createInferenceShTaskOperation<ReplaceBackgroundCall>(
      getClient,
      inferenceShReplaceBackground,
    ),
    removeVideoBackground: createInferenceShTaskOperation<RemoveVideoBackgroundCall>(
      getClient,
      inferenceShRemoveVideoBackground,
    ),
  };
}
