/**
 * A progress bar for long loads. On a TTY it redraws one line in place (at most ten times a
 * second); anywhere else it prints a plain line at every 10% so logs and tests stay readable.
 */
import type { TextSink } from './context.js';
import { formatNumber } from './text-output.js';

/** Reports progress of a task with a known total. */
export class ProgressBar {
  private readonly sink: TextSink;
  private readonly label: string;
  private readonly total: number;
  private readonly unit: string;
  private readonly startedMs = Date.now();
  private lastDrawMs = 0;
  private lastDecile = 0;
  private done = 0;
  private finished = false;

  constructor(sink: TextSink, label: string, total: number, unit = 'rows') {
    this.sink = sink;
    this.label = label;
    this.total = Math.max(1, total);
    this.unit = unit;
  }

  /** Sets the amount done so far and redraws when due. */
  update(done: number): void {
    this.done = Math.min(done, this.total);
    if (this.sink.isTTY) {
      const now = Date.now();
      if (now - this.lastDrawMs >= 100 || this.done === this.total) {
        this.lastDrawMs = now;
        this.sink.write('\r' + this.render() + '\x1b[K');
      }
      return;
    }
    const decile = Math.floor((this.done / this.total) * 10);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.sink.write(this.render() + '\n');
    }
  }

  /** Draws the final state and ends the line. Idempotent. */
  finish(note = ''): void {
    if (this.finished) return;
    this.finished = true;
    if (this.sink.isTTY) this.sink.write('\r' + this.render() + (note ? ` ${note}` : '') + '\x1b[K\n');
    else if (note) this.sink.write(`${this.label}: ${note}\n`);
  }

  /** The bar as one line: label, bar, percent, counts, rate. */
  render(): string {
    const fraction = this.done / this.total;
    const width = Math.max(10, Math.min(30, ((this.sink.columns ?? 80) - 60)));
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const seconds = Math.max(0.001, (Date.now() - this.startedMs) / 1000);
    const rate = Math.round(this.done / seconds);
    const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
    return `${this.label} ${bar} ${pct}  ${formatNumber(this.done)}/${formatNumber(this.total)} ${this.unit}  ${formatNumber(rate)} ${this.unit}/s`;
  }
}
