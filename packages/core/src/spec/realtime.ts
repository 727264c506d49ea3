import type { BackdropError } from '../errors/backdrop-error.js';
import type { ResolvedBackground } from './calls.js';

/** A frame going to the provider: encoded image bytes (JPEG, PNG, WebP) or a URL. */
export type RealtimeFrameInput = Uint8Array | Blob | string;

/** A processed frame coming back. */
export interface RealtimeFrame {
  /** The image bytes, when the provider sent them inline. */
  data?: Uint8Array | undefined;
  /** The frame's URL, when the provider sent one instead. */
  url?: string | undefined;
  contentType?: string | undefined;
}

export interface RealtimeConnectionEvents {
  onFrame(frame: RealtimeFrame): void;
  onError(error: BackdropError): void;
  /**
   * `expected` is true when the close was asked for (close() or a clean end). An unexpected
   * close frees the frames in flight at once and makes core reconnect; `cause` says why the
   * provider ended the connection, when it did (it is reported if the session gives up).
   */
  onClose(details: { expected: boolean; code?: number | undefined; cause?: BackdropError | undefined }): void;
}

/** A live connection an adapter opens; core adds backpressure, stats and reconnects on top. */
export interface RealtimeConnection {
  send(frame: RealtimeFrameInput, background: ResolvedBackground): void;
  close(): Promise<void>;
}
