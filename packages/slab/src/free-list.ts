/**
 * The page allocator and free list: which page ids are live, free, or waiting, and the plan of
 * the free-list chain each checkpoint writes. In memory only; the page file reads and writes the
 * chain pages (format in format.ts "Free-list page").
 *
 * Page states:
 *   META     ids 0 and 1.
 *   DURABLE  live in the last durable checkpoint (or in the one being written): read-only.
 *   FRESH    allocated since the last checkpoint began: the only writable pages.
 *   FREE     reusable now: neither the durable checkpoint nor the one being written uses it.
 *   PENDING  freed, but the durable checkpoint still references it (a live page freed, or a page
 *            of the previous free-list chain): reusable only after the next checkpoint completes.
 *   CHAIN    holds the durable free-list chain.
 *
 * Invariants:
 *  1. `allocate()` returns only FREE ids or ids past the end: never a page the durable checkpoint
 *     or an in-flight one references (copy-on-write).
 *  2. A freed DURABLE page goes to PENDING and becomes FREE only in `completeCheckpoint()`.
 *  3. The chain written by a checkpoint lists exactly the ids that are free in the new state:
 *     FREE ones not taken for the chain, PENDING ones, and the pages of the old chain.
 *  4. New chain pages come from FREE ids or the end of the file, never from PENDING or CHAIN.
 *  5. A checkpoint's page count ends at its last page not FREE: FREE ids at the end of the file
 *     are dropped when it begins (the page file then truncates the file once its meta is durable).
 *
 *   FREE --allocate--> FRESH --beginCheckpoint--> DURABLE --free--> PENDING
 *     ^                  |                                            |
 *     +------free--------+          completeCheckpoint: PENDING, old CHAIN --> FREE
 */
import { PhotonError, mutantActive } from '@photondb/contracts';
import { MAX_PAGE_COUNT } from './format.js';

export const PAGE_STATE = { meta: 0, durable: 1, fresh: 2, free: 3, pending: 4, chain: 5 } as const;
export type PageState = (typeof PAGE_STATE)[keyof typeof PAGE_STATE];

/** What one checkpoint writes: its chain pages and the free ids they list. */
export interface CheckpointPlan {
  /** Pages that will hold the new chain, in chain order. */
  readonly chain: number[];
  /** Free ids of the new state, sorted ascending. */
  readonly listed: number[];
  /** The page count the new meta records. */
  readonly pageCount: number;
  /** Ids that become FREE when the checkpoint completes. */
  readonly released: number[];
  /** Pages that were FRESH when it began. */
  readonly written: number[];
}

/** Page states and the free list. */
export class PageAllocator {
  private states: Uint8Array;
  private count: number;
  /** FREE ids, kept sorted descending when `sorted` so `pop()` returns the lowest. */
  private freeIds: number[] = [];
  private sorted = true;
  private pending: number[] = [];
  private chain: number[] = [];
  private freshIds = new Set<number>();
  /** Ids released by an in-flight checkpoint (PENDING until it completes). */
  private releasing = 0;

  /** `free` and `chain` come from the durable meta and its chain (validated by the caller). */
  constructor(pageCount: number, free: readonly number[], chain: readonly number[]) {
    this.count = pageCount;
    this.states = new Uint8Array(Math.max(64, pageCount * 2));
    this.states.fill(PAGE_STATE.durable, 0, pageCount);
    this.states[0] = PAGE_STATE.meta;
    this.states[1] = PAGE_STATE.meta;
    for (const id of chain) this.states[id] = PAGE_STATE.chain;
    for (const id of free) this.states[id] = PAGE_STATE.free;
    this.freeIds = [...free];
    this.sorted = false;
    this.chain = [...chain];
  }

  /** Pages in the file (ids 0 .. pageCount - 1). */
  get pageCount(): number {
    return this.count;
  }

  /** Pages free now or after the next checkpoint. */
  get freePageCount(): number {
    return this.freeIds.length + this.pending.length + this.releasing;
  }

  /** Pages allocated since the last checkpoint began. */
  get freshCount(): number {
    return this.freshIds.size;
  }

  /** The durable chain's pages. */
  get chainPages(): readonly number[] {
    return this.chain;
  }

  state(id: number): PageState | undefined {
    return id >= 0 && id < this.count ? (this.states[id] as PageState) : undefined;
  }

  isLive(id: number): boolean {
    const s = this.state(id);
    return s === PAGE_STATE.durable || s === PAGE_STATE.fresh;
  }

  /** Returns a FREE id (lowest first) or a new one at the end; throws TOO_LARGE at the limit. */
  allocate(): number {
    let id: number;
    if (this.freeIds.length > 0) {
      if (!this.sorted) this.sortFree();
      id = this.freeIds.pop()!;
    } else {
      id = this.grow();
    }
    this.states[id] = PAGE_STATE.fresh;
    this.freshIds.add(id);
    return id;
  }

  /** Frees a live page (the caller checked `isLive`). */
  free(id: number): void {
    if (this.states[id] === PAGE_STATE.fresh || mutantActive('slab-overwrite-live-page')) {
      this.freshIds.delete(id);
      this.states[id] = PAGE_STATE.free;
      this.freeIds.push(id);
      this.sorted = false;
    } else {
      this.states[id] = PAGE_STATE.pending;
      this.pending.push(id);
    }
  }

  /**
   * Starts a checkpoint: FRESH pages become DURABLE, chain pages are taken (invariant 4), and the
   * list of free ids is fixed. `idsPerPage` is how many ids one chain page holds.
   */
  beginCheckpoint(idsPerPage: number): CheckpointPlan {
    const written = [...this.freshIds].sort((a, b) => a - b);
    for (const id of written) this.states[id] = PAGE_STATE.durable;
    this.freshIds.clear();
    const released = [...this.pending, ...this.chain];
    this.pending = [];
    this.releasing += released.length;
    if (!this.sorted) this.sortFree();
    this.dropFreeTail();
    const chain: number[] = [];
    for (;;) {
      const listedCount = this.freeIds.length + released.length;
      if (Math.ceil(listedCount / idsPerPage) <= chain.length) break;
      const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.grow();
      this.states[id] = PAGE_STATE.chain;
      chain.push(id);
    }
    const listed = [...this.freeIds, ...released].sort((a, b) => a - b);
    return { chain, listed, pageCount: this.count, released, written };
  }

  /** The checkpoint's meta is durable: released ids become FREE, its chain the durable one. */
  completeCheckpoint(plan: CheckpointPlan): void {
    for (const id of plan.released) {
      this.states[id] = PAGE_STATE.free;
      this.freeIds.push(id);
    }
    this.releasing -= plan.released.length;
    this.sorted = false;
    this.chain = plan.chain;
  }

  /** Every inconsistency between the states and the lists, as messages. */
  check(): string[] {
    const problems: string[] = [];
    const expect = (ids: Iterable<number>, state: PageState, what: string): void => {
      for (const id of ids) if (this.states[id] !== state) problems.push(`page ${id} is on the ${what} list in state ${this.states[id]}`);
    };
    expect(this.freeIds, PAGE_STATE.free, 'free');
    expect(this.pending, PAGE_STATE.pending, 'pending');
    expect(this.freshIds, PAGE_STATE.fresh, 'fresh');
    if (new Set(this.freeIds).size !== this.freeIds.length) problems.push('an id is on the free list twice');
    let free = 0;
    for (let id = 0; id < this.count; id++) if (this.states[id] === PAGE_STATE.free) free++;
    if (free !== this.freeIds.length) problems.push(`${free} pages are FREE but the free list holds ${this.freeIds.length}`);
    return problems;
  }

  /**
   * Shortens the file past its last page in use (invariant 5): FREE ids at the end leave the free
   * list and the page count. Only FREE ids go, so neither the durable checkpoint nor the one
   * being planned references a dropped id; `grow()` hands them out again later. Needs `freeIds`
   * sorted descending: the highest free ids are at its front.
   */
  private dropFreeTail(): void {
    let dropped = 0;
    while (this.count > 2 && this.states[this.count - 1] === PAGE_STATE.free) {
      this.count--;
      dropped++;
    }
    if (dropped > 0) this.freeIds.splice(0, dropped);
  }

  private sortFree(): void {
    this.freeIds.sort((a, b) => b - a);
    this.sorted = true;
  }

  private grow(): number {
    if (this.count >= MAX_PAGE_COUNT) {
      throw new PhotonError('TOO_LARGE', `the page file is full: ${this.count} pages is the most page ids can address`, {
        limit: MAX_PAGE_COUNT,
      });
    }
    const id = this.count++;
    if (id >= this.states.length) {
      const next = new Uint8Array(this.states.length * 2);
      next.set(this.states);
      this.states = next;
    }
    return id;
  }
}
