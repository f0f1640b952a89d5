/**
 * SimulatedFileSystem: an in-memory `FileSystem` that models what survives a power loss, so that
 * every layer above can be crashed at every I/O step and must recover (TESTING.md R2, R4).
 *
 * State: each file has its durable image (as of its last sync or datasync) and its current bytes;
 * each directory has its durable entries (as of its last `Directory.sync`) and the creates,
 * renames and removes made since. `crash()` builds a new file system from that (crash-image.ts).
 *
 * Lifecycle of an instance:
 *
 *     running --crashAtOp(n) reached / crash()--> crashed (every operation throws a simulated crash)
 *
 * Counted operations (`opCount`): every write, truncate, sync, datasync, file or directory
 * create, rename, remove and directory sync. Reads, lists, opens of existing files and size
 * queries are not counted. Fault rules (`addFault`) fail matching operations with a typed `IO`
 * error that has no effect; a failed file sync also poisons its handle (contracts' PagedFile).
 */
import { PhotonError } from '@photondb/contracts';
import type { Directory, FileSystem, OpenDirectoryOptions } from '@photondb/contracts';
import { crashTree } from './crash-image.js';
import type { CrashDamage } from './crash-image.js';
import { DirNode, MemoryTree } from './internal/memory-tree.js';
import type { MemoryHost, OpKind } from './internal/memory-tree.js';
import { Prng } from './internal/prng.js';

/** Operations a fault rule can match. `open` covers opening and creating files. */
export type FaultOp = 'read' | 'write' | 'sync' | 'datasync' | 'truncate' | 'open' | 'create' | 'rename' | 'remove' | 'dirsync';

/** A rule that makes matching operations fail with `IO`. */
export interface FaultRule {
  readonly op: FaultOp;
  /** The errno name reported (default `EIO`; `ENOSPC` for a full disk). */
  readonly errno?: string;
  /** Keep failing every matching operation from the nth on (default false: fail once). */
  readonly persistent?: boolean;
  /** Fail the nth matching operation, counted from when the rule was added (default 1). */
  readonly nth?: number;
  /** Only operations on paths ending with this string. */
  readonly path?: string;
}

/** Options of `new SimulatedFileSystem`. */
export interface SimulatedFileSystemOptions {
  /** Seed of the instance's choices (recorded for messages; crashes take their own seed). */
  readonly seed?: number;
}

/** Options of `SimulatedFileSystem.crash`. */
export interface CrashOptions {
  /** Seed of the sector and namespace choices (default: the instance's seed). */
  readonly seed?: number;
  /**
   * How unsynced data fares: `true` (default) is `'torn'`, `false` is `'drop'`; see `CrashDamage`.
   */
  readonly damage?: boolean | CrashDamage;
}

const CRASH_BRAND: unique symbol = Symbol.for('photondb.simulated-crash') as never;

const COUNTED: ReadonlySet<OpKind> = new Set<OpKind>(['write', 'truncate', 'sync', 'datasync', 'create', 'rename', 'remove', 'dirsync']);

/** The error every operation throws once a simulated file system has crashed. */
class SimulatedCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatedCrash';
    Object.defineProperty(this, CRASH_BRAND, { value: true, enumerable: false });
  }
}

/** True when `e` is the error of an operation on a crashed `SimulatedFileSystem`. */
export function isSimulatedCrash(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[CRASH_BRAND] === true;
}

/** The tree the next constructor call adopts (set only by `crash()`, so it stays out of the API). */
let adoptedRoot: DirNode | undefined;

interface ActiveFault {
  readonly rule: FaultRule;
  seen: number;
  done: boolean;
}

/**
 * The crash simulator. Behaves as `MemoryFileSystem` until it crashes; `crash()` returns the file
 * system a reboot would find. Deterministic: the same operations and seeds give the same images.
 */
export class SimulatedFileSystem implements FileSystem {
  readonly name = 'simulated';
  /** The seed given at construction. */
  readonly seed: number;
  private readonly tree: MemoryTree;
  private counted = 0;
  private crashAt = 0;
  private crashedBy: string | undefined = undefined;
  private faults: ActiveFault[] = [];

  constructor(options: SimulatedFileSystemOptions = {}) {
    const root = adoptedRoot;
    adoptedRoot = undefined;
    this.seed = options.seed ?? 0;
    const host: MemoryHost = {
      tracksDurability: true,
      before: (op, path) => this.before(op, path),
      checkAlive: () => this.checkAlive(),
      locks: new Map(),
    };
    this.tree = new MemoryTree(host, root);
  }

  /** Counted operations so far (including one that crashed). */
  get opCount(): number {
    return this.counted;
  }

  /** Whether this instance has crashed (by `crashAtOp` or `crash`). */
  get isCrashed(): boolean {
    return this.crashedBy !== undefined;
  }

  openDirectory(path: string, options?: OpenDirectoryOptions): Directory {
    return this.tree.openDirectory(path, options);
  }

  exists(path: string): boolean {
    return this.tree.exists(path);
  }

  /**
   * Crashes at the `n`th counted operation since construction (1-based): that operation and
   * every later operation of any kind throw a simulated crash (`isSimulatedCrash`) instead of
   * running. When `n <= opCount` the next counted operation crashes. `n = 0` cancels.
   */
  crashAtOp(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new PhotonError('INVALID_ARGUMENT', `crashAtOp(${String(n)}): a non-negative integer is required`);
    this.crashAt = n;
  }

  /**
   * Simulates a power loss now: returns a new file system holding what the disk would hold
   * (durable bytes exactly; unsynced data per `options.damage`; unsynced directory changes a
   * seeded prefix). This instance is then crashed; calling `crash` again on it (with another seed)
   * gives another possible image of the same moment.
   */
  crash(options: CrashOptions = {}): SimulatedFileSystem {
    const seed = options.seed ?? this.seed;
    const damage: CrashDamage = options.damage === false ? 'drop' : options.damage === true || options.damage === undefined ? 'torn' : options.damage;
    if (this.crashedBy === undefined) this.crashedBy = 'crash()';
    adoptedRoot = crashTree(this.tree.root, new Prng(seed), damage);
    return new SimulatedFileSystem({ seed });
  }

  /** Adds a fault rule; see `FaultRule`. */
  addFault(rule: FaultRule): void {
    const nth = rule.nth ?? 1;
    if (!Number.isSafeInteger(nth) || nth < 1) throw new PhotonError('INVALID_ARGUMENT', `fault rule nth is ${String(rule.nth)}; an integer >= 1 is required`);
    this.faults.push({ rule, seen: 0, done: false });
  }

  /** Removes every fault rule. */
  clearFaults(): void {
    this.faults = [];
  }

  private checkAlive(): void {
    if (this.crashedBy !== undefined) throw new SimulatedCrashError(`simulated file system crashed (${this.crashedBy}); this instance is unusable, use the one crash() returns`);
  }

  private before(op: OpKind, path: string): void {
    this.checkAlive();
    if (COUNTED.has(op)) {
      this.counted++;
      if (this.crashAt > 0 && this.counted >= this.crashAt) {
        this.crashedBy = `at counted operation ${this.counted}, ${op} ${path}`;
        this.checkAlive();
      }
    }
    for (const f of this.faults) {
      if (f.done || f.rule.op !== op || (f.rule.path !== undefined && !path.endsWith(f.rule.path))) continue;
      f.seen++;
      const nth = f.rule.nth ?? 1;
      if (f.seen < nth) continue;
      if (f.rule.persistent !== true) f.done = true;
      const errno = f.rule.errno ?? 'EIO';
      throw new PhotonError('IO', `injected ${errno} on ${op} of ${path}`, { path, errno });
    }
  }
}
