/** Small helpers shared by the engine tests. */
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

/** Options that make checkpoints, segment rotation and tree splits happen in small runs. */
export const SMALL = {
  pageSizeBytes: 4096,
  walSegmentBytes: 64 * 1024,
  checkpointLogBytes: 32 * 1024,
} as const;
