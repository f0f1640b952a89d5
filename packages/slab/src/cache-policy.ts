/**
 * Replacement policies for the page cache: ARC (adaptive replacement cache, Megiddo and Modha,
 * FAST 2003) and plain LRU. A policy only orders page ids; the cache owns the buffers, and tells
 * the policy which ids may not be evicted (pinned pages) through `canEvict`.
 *
 * ARC keeps two resident lists, T1 (seen once recently) and T2 (seen at least twice), and two
 * ghost lists of recently evicted ids, B1 and B2, and adapts the target size p of T1: a hit in B1
 * means T1 was too small, a hit in B2 that T2 was. A one-pass scan only ever fills T1, so the
 * frequently used pages in T2 survive it, where LRU loses them (cache-policy.test.ts
 * "keeps the hot set through a scan").
 *
 * Departure from the paper: pinned pages cannot be evicted, so `admit` evicts only while the
 * resident count is at or over capacity, picks the least recent evictable id of the preferred
 * list (then of the other), and lets the cache run over capacity when everything is pinned.
 */

/** The policy names accepted by `PageFile.open({ cache })`. */
export type CachePolicyName = 'arc' | 'lru';

/** What the page cache needs from a replacement policy. Ids are page ids. */
export interface CachePolicy {
  readonly name: CachePolicyName;
  /** Resident ids (not ghosts). */
  readonly size: number;
  /** A hit on a resident id. */
  touch(id: number): void;
  /**
   * Makes `id` (not resident) resident, first choosing the ids to evict so that at most
   * `capacity` stay resident. Returns the evicted ids (already removed from the policy).
   */
  admit(id: number, canEvict: (id: number) => boolean): number[];
  /** Forgets a resident id without remembering it as evicted (the page was freed). */
  remove(id: number): void;
  /** True when `id` is resident. */
  has(id: number): boolean;
}

/** The first (least recently used) key of `list` that `canEvict` accepts. */
function leastRecent(list: Map<number, true>, canEvict: (id: number) => boolean): number | undefined {
  for (const id of list.keys()) if (canEvict(id)) return id;
  return undefined;
}

/** Least recently used. A Map keeps insertion order, so re-inserting moves an id to the end. */
export class LruPolicy implements CachePolicy {
  readonly name = 'lru';
  private readonly capacity: number;
  private readonly list = new Map<number, true>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.list.size;
  }

  has(id: number): boolean {
    return this.list.has(id);
  }

  touch(id: number): void {
    if (this.list.delete(id)) this.list.set(id, true);
  }

  admit(id: number, canEvict: (id: number) => boolean): number[] {
    const evicted: number[] = [];
    while (this.list.size >= this.capacity) {
      const victim = leastRecent(this.list, canEvict);
      if (victim === undefined) break;
      this.list.delete(victim);
      evicted.push(victim);
    }
    this.list.set(id, true);
    return evicted;
  }

  remove(id: number): void {
    this.list.delete(id);
  }
}

/** Adaptive replacement cache. */
export class ArcPolicy implements CachePolicy {
  readonly name = 'arc';
  private readonly capacity: number;
  private readonly t1 = new Map<number, true>();
  private readonly t2 = new Map<number, true>();
  private readonly b1 = new Map<number, true>();
  private readonly b2 = new Map<number, true>();
  /** Target size of T1, 0 <= p <= capacity. */
  private p = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.t1.size + this.t2.size;
  }

  /** List sizes and the target, for tests and stats. */
  shape(): { t1: number; t2: number; b1: number; b2: number; p: number } {
    return { t1: this.t1.size, t2: this.t2.size, b1: this.b1.size, b2: this.b2.size, p: this.p };
  }

  has(id: number): boolean {
    return this.t1.has(id) || this.t2.has(id);
  }

  touch(id: number): void {
    if (this.t1.delete(id) || this.t2.delete(id)) this.t2.set(id, true);
  }

  admit(id: number, canEvict: (id: number) => boolean): number[] {
    const c = this.capacity;
    const evicted: number[] = [];
    if (this.b1.has(id)) {
      // Case II: T1 was too small.
      this.p = Math.min(c, this.p + Math.max(this.b2.size / this.b1.size, 1));
      this.b1.delete(id);
      this.makeRoom(false, canEvict, evicted);
      this.t2.set(id, true);
    } else if (this.b2.has(id)) {
      // Case III: T2 was too small.
      this.p = Math.max(0, this.p - Math.max(this.b1.size / this.b2.size, 1));
      this.b2.delete(id);
      this.makeRoom(true, canEvict, evicted);
      this.t2.set(id, true);
    } else {
      // Case IV: a miss in all four lists.
      if (this.t1.size + this.b1.size >= c) {
        if (this.t1.size < c) {
          this.dropOldest(this.b1);
        } else {
          const victim = leastRecent(this.t1, canEvict);
          if (victim !== undefined && this.size >= c) {
            this.t1.delete(victim);
            evicted.push(victim);
          }
        }
      } else if (this.size + this.b1.size + this.b2.size >= c) {
        if (this.size + this.b1.size + this.b2.size >= 2 * c) this.dropOldest(this.b2);
      }
      this.makeRoom(false, canEvict, evicted);
      this.t1.set(id, true);
    }
    this.trimGhosts();
    return evicted;
  }

  remove(id: number): void {
    this.t1.delete(id);
    this.t2.delete(id);
  }

  /** Evicts (REPLACE in the paper) while the cache is full and something can go. */
  private makeRoom(inB2: boolean, canEvict: (id: number) => boolean, evicted: number[]): void {
    while (this.size >= this.capacity) {
      const preferT1 = this.t1.size > 0 && ((inB2 && this.t1.size === Math.floor(this.p)) || this.t1.size > this.p);
      const first = preferT1 ? this.t1 : this.t2;
      const second = preferT1 ? this.t2 : this.t1;
      let from = first;
      let victim = leastRecent(first, canEvict);
      if (victim === undefined) {
        from = second;
        victim = leastRecent(second, canEvict);
      }
      if (victim === undefined) return;
      from.delete(victim);
      (from === this.t1 ? this.b1 : this.b2).set(victim, true);
      evicted.push(victim);
    }
  }

  private dropOldest(list: Map<number, true>): void {
    const oldest = list.keys().next();
    if (!oldest.done) list.delete(oldest.value);
  }

  /** Keeps the ghosts bounded (|T1|+|B1| <= c, all four <= 2c) even when pins overfill T1/T2. */
  private trimGhosts(): void {
    const c = this.capacity;
    while (this.b1.size > 0 && this.t1.size + this.b1.size > c) this.dropOldest(this.b1);
    while (this.b1.size + this.b2.size > 0 && this.size + this.b1.size + this.b2.size > 2 * c) {
      this.dropOldest(this.b2.size > 0 ? this.b2 : this.b1);
    }
  }
}

/** Makes a policy by name. `capacityPages` >= 1. */
export function createCachePolicy(name: CachePolicyName, capacityPages: number): CachePolicy {
  return name === 'lru' ? new LruPolicy(capacityPages) : new ArcPolicy(capacityPages);
}
