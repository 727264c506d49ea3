/** The most recent round-trip times, for median and p95 without keeping every sample. */
export class LatencyWindow {
  private readonly samples: number[] = [];
  constructor(private readonly capacity = 1_000) {}

  add(milliseconds: number): void {
    this.samples.push(milliseconds);
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  summary(): { last: number; median: number; p95: number } | undefined {
    const last = this.samples.at(-1);
    if (last === undefined) return undefined;
    const sorted = [...this.samples].sort((left, right) => left - right);
    const at = (quantile: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] ?? last;
    return { last, median: at(0.5), p95: at(0.95) };
  }
}
