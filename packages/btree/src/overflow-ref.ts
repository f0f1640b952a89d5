/** A value stored in an overflow page chain. Immutable; shared between tree versions. */
export class OverflowRef {
  readonly firstPageId: number;
  readonly lengthBytes: number;
  /** The write stamp every page of the chain carries (format.ts); 0 = not checked (v1 chain). */
  readonly stamp: number;
  constructor(firstPageId: number, lengthBytes: number, stamp = 0) {
    this.firstPageId = firstPageId;
    this.lengthBytes = lengthBytes;
    this.stamp = stamp;
  }
}

/** A leaf slot: the value bytes, or a reference to its overflow chain. */
export type LeafValue = Uint8Array | OverflowRef;
