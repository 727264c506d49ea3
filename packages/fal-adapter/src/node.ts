// The Node entry (picked by the "node" export condition): fal's client opens live sessions with
// the global WebSocket, which Node 20 lacks, so the ws package stands in when it is missing.
import type { BackdropAdapter } from '@backdrop/core/provider';
import WebSocket from 'ws';
import { createFal as createWithGlobals, type FalOptions } from './fal-adapter.js';

export * from './index.js';

export function createFal(options: FalOptions = {}): BackdropAdapter {
  const scope = globalThis as { WebSocket?: unknown };
  scope.WebSocket ??= WebSocket;
  return createWithGlobals(options);
}
