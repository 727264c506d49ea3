import type { JobUpdate } from '../spec/job.js';
import type { ProgressEvent, ProgressListener } from '../spec/progress.js';

/**
 * Turns job updates into progress events: only new log lines, and nothing when a poll shows
 * no change. A listener that throws never breaks the operation.
 */
export class ProgressReporter {
  private reportedLogLines = 0;
  private lastSignature: string | undefined;

  constructor(
    private readonly provider: string,
    private readonly listener: ProgressListener | undefined,
  ) {}

  emit(event: ProgressEvent): void {
    try {
      this.listener?.(event);
    } catch {
      // A progress listener's bug must not fail the caller's operation.
    }
  }

  update(update: JobUpdate): void {
    const logs = update.logs ?? [];
    const newLogs = logs.slice(this.reportedLogLines);
    this.reportedLogLines = Math.max(this.reportedLogLines, logs.length);
    if (update.state === 'queued') {
      const signature = `queued:${update.position}`;
      if (signature !== this.lastSignature || newLogs.length > 0) {
        this.emit({ type: 'queued', provider: this.provider, position: update.position });
      }
      this.lastSignature = signature;
      return;
    }
    const percent = update.state === 'running' ? update.percent : undefined;
    const signature = `running:${percent}`;
    const isRunning = update.state === 'running';
    if (newLogs.length > 0 || (isRunning && signature !== this.lastSignature)) {
      this.emit({ type: 'running', provider: this.provider, logs: newLogs, percent });
    }
    if (isRunning) this.lastSignature = signature;
  }
}
