/**
 * SlottedPage: variable-size cells with stable slot numbers inside one page payload (format.ts
 * "Slotted payload"). The slot directory grows up from the header, the cells grow down from the
 * end; deleting or shrinking a cell leaves garbage that `compact()` squeezes out (insert and
 * update compact on their own when that makes room). It works on a caller's buffer and does no
 * I/O: build a payload with it, then `PageFile.write()` it to a fresh page; read a pinned page's
 * payload with `SlottedPage.read()` (which checks the layout and never writes).
 */
import { PhotonError, copyBytes } from '@photondb/contracts';
import { MAX_SLOTTED_PAYLOAD_BYTES, SLOTTED_HEADER_BYTES, SLOT_BYTES } from './format.js';

const S_COUNT = 0;
const S_CELL_START = 2;
const S_GARBAGE = 4;

/** Variable-size cells in one payload. */
export class SlottedPage {
  /** The payload bytes (the caller's buffer; modified in place unless read-only). */
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly writable: boolean;

  private constructor(bytes: Uint8Array, writable: boolean) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.writable = writable;
  }

  /**
   * Formats `bytes` (8 to 65,535 bytes, usually `payloadCapacityBytes` long) as an empty slotted
   * payload and returns a writer over it. Throws INVALID_ARGUMENT for a size out of range.
   */
  static init(bytes: Uint8Array): SlottedPage {
    if (!(bytes instanceof Uint8Array) || bytes.length < SLOTTED_HEADER_BYTES || bytes.length > MAX_SLOTTED_PAYLOAD_BYTES) {
      throw new PhotonError('INVALID_ARGUMENT', `a slotted payload must be ${SLOTTED_HEADER_BYTES} to ${MAX_SLOTTED_PAYLOAD_BYTES} bytes`);
    }
    bytes.fill(0, 0, SLOTTED_HEADER_BYTES);
    const page = new SlottedPage(bytes, true);
    page.view.setUint16(S_CELL_START, bytes.length, true);
    return page;
  }

  /** A writer over an existing slotted payload (checked first; CORRUPTION if malformed). */
  static edit(bytes: Uint8Array): SlottedPage {
    return SlottedPage.checked(bytes, true);
  }

  /** A read-only view of a stored slotted payload (checked first; CORRUPTION if malformed). */
  static read(bytes: Uint8Array): SlottedPage {
    return SlottedPage.checked(bytes, false);
  }

  private static checked(bytes: Uint8Array, writable: boolean): SlottedPage {
    if (bytes.length < SLOTTED_HEADER_BYTES || bytes.length > MAX_SLOTTED_PAYLOAD_BYTES) {
      throw new PhotonError('CORRUPTION', `slotted payload of ${bytes.length} bytes is outside ${SLOTTED_HEADER_BYTES}..${MAX_SLOTTED_PAYLOAD_BYTES}`);
    }
    const page = new SlottedPage(bytes, writable);
    const problems = page.check();
    if (problems.length > 0) throw new PhotonError('CORRUPTION', `slotted payload: ${problems.join('; ')}`);
    return page;
  }

  /** Slots in the directory, live and empty. */
  get slotCount(): number {
    return this.view.getUint16(S_COUNT, true);
  }

  /** Bytes an insert of a new cell could use after compaction (slot entry included if needed). */
  get freeBytes(): number {
    return this.cellStart - this.directoryEnd + this.garbage;
  }

  /** Live cells. */
  get liveCount(): number {
    let n = 0;
    for (let s = 0; s < this.slotCount; s++) if (this.offsetOf(s) !== 0) n++;
    return n;
  }

  /** The cell in `slot` (a view into the payload), or undefined for an empty or unknown slot. */
  get(slot: number): Uint8Array | undefined {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slotCount) return undefined;
    const offset = this.offsetOf(slot);
    if (offset === 0) return undefined;
    return this.bytes.subarray(offset, offset + this.lengthOf(slot));
  }

  /**
   * Stores `cell` in an empty slot (the lowest) or a new one; returns the slot, or -1 when it does
   * not fit even after compaction. Throws READ_ONLY on a read view.
   */
  insert(cell: Uint8Array): number {
    this.checkWritable();
    let slot = -1;
    for (let s = 0; s < this.slotCount; s++) {
      if (this.offsetOf(s) === 0) {
        slot = s;
        break;
      }
    }
    const needsSlot = slot === -1;
    const need = cell.length + (needsSlot ? SLOT_BYTES : 0);
    if (need > this.freeBytes) return -1;
    if (this.cellStart - this.directoryEnd < need) this.compact();
    if (needsSlot) {
      slot = this.slotCount;
      this.view.setUint16(S_COUNT, slot + 1, true);
    }
    this.place(slot, cell);
    return slot;
  }

  /**
   * Replaces the cell in live `slot`: in place when it is not longer, else moved (compacting if
   * needed). Returns false, changing nothing, when it cannot fit. Throws INVALID_ARGUMENT for an
   * empty slot.
   */
  update(slot: number, cell: Uint8Array): boolean {
    this.checkWritable();
    const old = this.requireLive(slot);
    if (cell.length <= old.length) {
      const offset = this.offsetOf(slot);
      this.bytes.set(cell, offset);
      this.setSlot(slot, offset, cell.length);
      this.addGarbage(old.length - cell.length);
      return true;
    }
    if (cell.length > this.freeBytes + old.length) return false;
    this.release(slot);
    if (this.cellStart - this.directoryEnd < cell.length) this.compact();
    this.place(slot, cell);
    return true;
  }

  /** Empties live `slot`. Throws INVALID_ARGUMENT for an empty slot. */
  delete(slot: number): void {
    this.checkWritable();
    this.requireLive(slot);
    this.release(slot);
    let count = this.slotCount;
    while (count > 0 && this.offsetOf(count - 1) === 0) count--;
    this.view.setUint16(S_COUNT, count, true);
  }

  /** Moves every live cell to the end of the payload, leaving no garbage. Slots do not change. */
  compact(): void {
    this.checkWritable();
    const cells: Array<[number, Uint8Array]> = [];
    for (let s = 0; s < this.slotCount; s++) {
      const cell = this.get(s);
      if (cell !== undefined) cells.push([s, copyBytes(cell)]);
    }
    this.view.setUint16(S_CELL_START, this.bytes.length, true);
    this.view.setUint16(S_GARBAGE, 0, true);
    for (const [slot, cell] of cells) this.place(slot, cell);
    this.bytes.fill(0, this.directoryEnd, this.cellStart);
  }

  /** Every violation of the format's validity rules, as messages (empty when valid). */
  check(): string[] {
    const problems: string[] = [];
    const end = this.bytes.length;
    const count = this.slotCount;
    const start = this.cellStart;
    if (this.view.getUint16(6, true) !== 0) problems.push('reserved header bytes are not zero');
    if (SLOTTED_HEADER_BYTES + count * SLOT_BYTES > start || start > end) {
      problems.push(`directory of ${count} slots and cell start ${start} do not fit in ${end} bytes`);
      return problems;
    }
    const ranges: Array<[number, number]> = [];
    let used = 0;
    for (let s = 0; s < count; s++) {
      const offset = this.offsetOf(s);
      if (offset === 0) continue;
      const length = this.lengthOf(s);
      if (offset < start || offset + length > end) problems.push(`slot ${s} cell [${offset}, ${offset + length}) is outside [${start}, ${end})`);
      else ranges.push([offset, offset + length]);
      used += length;
    }
    ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i][0] < ranges[i - 1][1]) problems.push(`cells [${ranges[i - 1][0]}, ${ranges[i - 1][1]}) and [${ranges[i][0]}, ${ranges[i][1]}) overlap`);
    }
    if (problems.length === 0 && end - start - used !== this.garbage) {
      problems.push(`garbage is recorded as ${this.garbage} bytes but ${end - start - used} are unused`);
    }
    return problems;
  }

  private get cellStart(): number {
    return this.view.getUint16(S_CELL_START, true);
  }

  private get garbage(): number {
    return this.view.getUint16(S_GARBAGE, true);
  }

  private get directoryEnd(): number {
    return SLOTTED_HEADER_BYTES + this.slotCount * SLOT_BYTES;
  }

  private offsetOf(slot: number): number {
    return this.view.getUint16(SLOTTED_HEADER_BYTES + slot * SLOT_BYTES, true);
  }

  private lengthOf(slot: number): number {
    return this.view.getUint16(SLOTTED_HEADER_BYTES + slot * SLOT_BYTES + 2, true);
  }

  private setSlot(slot: number, offset: number, length: number): void {
    this.view.setUint16(SLOTTED_HEADER_BYTES + slot * SLOT_BYTES, offset, true);
    this.view.setUint16(SLOTTED_HEADER_BYTES + slot * SLOT_BYTES + 2, length, true);
  }

  /** Copies `cell` just below the cell area (room was checked) and points `slot` at it. */
  private place(slot: number, cell: Uint8Array): void {
    const offset = this.cellStart - cell.length;
    this.bytes.set(cell, offset);
    this.view.setUint16(S_CELL_START, offset, true);
    // A zero-length cell still needs a non-zero offset: it points at the cell area's start,
    // which is never 0 because the header comes first.
    this.setSlot(slot, offset, cell.length);
  }

  private release(slot: number): void {
    this.addGarbage(this.lengthOf(slot));
    this.setSlot(slot, 0, 0);
  }

  private addGarbage(bytes: number): void {
    this.view.setUint16(S_GARBAGE, this.garbage + bytes, true);
  }

  private requireLive(slot: number): Uint8Array {
    const cell = this.get(slot);
    if (cell === undefined) throw new PhotonError('INVALID_ARGUMENT', `slot ${String(slot)} holds no cell`);
    return cell;
  }

  private checkWritable(): void {
    if (!this.writable) throw new PhotonError('READ_ONLY', 'this SlottedPage is a read-only view');
  }
}
