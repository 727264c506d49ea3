// The Node entry (picked by the "node" export condition): undici with one shared keep-alive agent.

import type { BackdropAdapter } from '@backdrop/core/provider';
import { Agent, fetch as undiciFetch } from 'undici';
import { createInferenceSh as createWithFetch, type InferenceShOptions } from './inferencesh-adapter.js';

export * from './index.js';

const sharedAgent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

/** undici's fetch over the shared agent, typed as the platform fetch it stands in for. */
export const keepAliveFetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
  undiciFetch(input as Parameters<typeof undiciFetch>[0], {
    ...(init as Parameters<typeof undiciFetch>[1]),
    dispatcher: sharedAgent,
  })) as unknown as typeof fetch;

export function createInferenceSh(options: InferenceShOptions = {}): BackdropAdapter {
  return createWithFetch({ defaultFetch: keepAliveFetch, ...options });
}
