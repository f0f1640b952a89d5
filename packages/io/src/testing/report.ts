/**
 * Durability figures: each R-test (TESTING.md) records how many cases it tried and how many
 * failed, and `pnpm run ci` prints them as one table at the end (tools/ci/run-all.mjs reads the
 * directory named by PHOTON_DURABILITY_REPORT). Without that variable nothing is written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One measured figure. */
export interface Figure {
  /** R1 … R11 */
  readonly id: string;
  readonly what: string;
  readonly tried: number;
  readonly failed: number;
  /** Other measured figures, as short text. */
  readonly detail?: string;
}

/** Prints the figure and, when PHOTON_DURABILITY_REPORT names a directory, writes it there. */
export function reportFigure(figure: Figure): void {
  const dir = process.env.PHOTON_DURABILITY_REPORT;
  const line = `${figure.id} ${figure.what}: ${figure.tried} tried, ${figure.failed} failed${figure.detail ? ` (${figure.detail})` : ''}`;
  console.log(line);
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const safe = `${figure.id}-${figure.what}`.replace(/[^a-zA-Z0-9-]+/g, '_').slice(0, 80);
  writeFileSync(join(dir, `${safe}.json`), JSON.stringify(figure));
}

/** The torture tier multiplies counts by PHOTON_TORTURE_SCALE (default 1). */
export function scaled(n: number): number {
  const s = Number(process.env.PHOTON_TORTURE_SCALE ?? '1');
  return Math.max(1, Math.round(n * (Number.isFinite(s) && s > 0 ? s : 1)));
}
