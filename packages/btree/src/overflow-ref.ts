/** A value stored in an overflow page chain. Immutable; shared between tree versions. */
export class OverflowRef {
  readonly firstPageId: number;
  readonly lengthBytes: number;
  constructor(firstPageId: number, lengthBytes: number) {
    this.firstPageId = firstPageId;
    this.lengthBytes = lengthBytes;
  }
}

/** A leaf slot: the value bytes, or a reference to its overflow chain. */
export type LeafValue = Uint8Array | OverflowRef;
