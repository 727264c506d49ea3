/** Progress of one operation, in this order: uploading, queued, running, downloading, done. */
export type ProgressEvent =
  | {
      type: 'uploading';
      provider: string;
      /** The normalized field being uploaded (`image`, `referenceImage`, `video`). */
      field: string;
      loadedBytes: number;
      totalBytes: number;
    }
  | { type: 'queued'; provider: string; position?: number | undefined }
  | {
      type: 'running';
      provider: string;
      /** Log lines new since the previous event. */
      logs: readonly string[];
      percent?: number | undefined;
      /** Frames processed so far, for video work done frame by frame (the local engine). */
      frames?: FrameProgress | undefined;
    }
  | {
      type: 'downloading';
      provider: string;
      /** Which output (0-based). */
      index: number;
      loadedBytes: number;
      totalBytes?: number | undefined;
    }
  | { type: 'done'; provider: string };

export interface FrameProgress {
  done: number;
  /** Absent when the video does not say how many frames it has. */
  total?: number | undefined;
}

/** What an adapter that does the work itself reports while it works. */
export interface WorkProgress {
  percent?: number | undefined;
  frames?: FrameProgress | undefined;
}

export type ProgressListener = (event: ProgressEvent) => void;
