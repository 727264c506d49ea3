import type { FalEmulator } from '@backdrop/testkit';
import WebSocket from 'ws';

/**
 * fal's client opens `wss://fal.run/<app>/realtime` with the global WebSocket and offers no
 * option for the URL: the test installs a WebSocket that rewrites only scheme and host.
 */
export function installEmulatorWebSocket(emulator: FalEmulator): () => void {
  const scope = globalThis as { WebSocket?: unknown };
  const previous = scope.WebSocket;
  class EmulatorWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(emulator.webSocketUrl(String(url)), protocols);
    }
  }
  scope.WebSocket = EmulatorWebSocket;
  return () => {
    scope.WebSocket = previous;
  };
}
