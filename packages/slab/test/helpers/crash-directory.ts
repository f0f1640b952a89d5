/**
 * A second crash model for the slab's tests, next to `@photondb/io`'s SimulatedFileSystem (which
 * damages each dirty file as a whole): here every pending write meets its own fate, in order, as
 * TESTING.md "The fault-injecting file API" describes, reduced to what a page file uses.
 * Each file has a durable image and a list of pending writes and truncates; `datasync`/`sync` make them durable. `crash(seed)` rebuilds every file
 * from its durable image plus, for each pending write independently, the whole write, none of it,
 * a random subset of its 512-byte sectors (torn), or garbage in some sectors. `crashAtOp(n)`
 * makes the n-th write/truncate/sync throw a SimulatedCrash before it happens.
 */
import { PhotonError } from '@photondb/contracts';
import type { AppendFile, Directory, FileLock, OpenFileOptions, PagedFile } from '@photondb/contracts';

const SECTOR = 512;

/** Thrown at the crash point. */
export class SimulatedCrash extends Error {}

type Pending = { kind: 'write'; position: number; bytes: Uint8Array } | { kind: 'truncate'; size: number };

class FileImage {
  durable: Uint8Array = new Uint8Array(0);
  current: Uint8Array = new Uint8Array(0);
  pending: Pending[] = [];
}

function applyWrite(image: Uint8Array, position: number, bytes: Uint8Array): Uint8Array {
  const end = position + bytes.length;
  const out = end > image.length ? grow(image, end) : image;
  out.set(bytes, position);
  return out;
}

function grow(image: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(image.subarray(0, Math.min(size, image.length)));
  return out;
}

class CrashFile implements PagedFile {
  readonly path: string;
  private readonly dir: CrashDirectory;
  private readonly image: FileImage;
  private readonly epoch: number;
  constructor(dir: CrashDirectory, path: string, image: FileImage) {
    this.dir = dir;
    this.path = path;
    this.image = image;
    this.epoch = dir.epoch;
  }
  read(position: number, target: Uint8Array): number {
    this.live();
    const n = Math.max(0, Math.min(target.length, this.image.current.length - position));
    target.set(this.image.current.subarray(position, position + n));
    return n;
  }
  write(position: number, source: Uint8Array): void {
    this.op();
    this.image.current = applyWrite(this.image.current, position, source);
    this.image.pending.push({ kind: 'write', position, bytes: source.slice() });
  }
  sizeBytes(): number {
    this.live();
    return this.image.current.length;
  }
  truncate(size: number): void {
    this.op();
    this.image.current = grow(this.image.current, size);
    this.image.pending.push({ kind: 'truncate', size });
  }
  async sync(): Promise<void> {
    this.syncSync();
  }
  async datasync(): Promise<void> {
    this.syncSync();
  }
  syncSync(): void {
    this.op();
    this.image.durable = this.image.current.slice();
    this.image.pending = [];
  }
  datasyncSync(): void {
    this.syncSync();
  }
  close(): void {}
  private live(): void {
    if (this.epoch !== this.dir.epoch) throw new PhotonError('CLOSED', 'handle from before a simulated crash');
  }
  private op(): void {
    this.live();
    this.dir.countOp();
  }
}

/** The crash-simulating directory. */
export class CrashDirectory implements Directory {
  readonly path = '/crash';
  readonly files = new Map<string, FileImage>();
  epoch = 0;
  opCount = 0;
  /** Set when the crash point was reached (the store may have wrapped the error as IO). */
  crashed = false;
  private crashAt = 0;

  /** Makes the n-th mutating op (1-based, counted from now) throw SimulatedCrash; 0 disables. */
  crashAtOp(n: number): void {
    this.crashAt = n === 0 ? 0 : this.opCount + n;
  }

  countOp(): void {
    this.opCount++;
    if (this.crashAt !== 0 && this.opCount === this.crashAt) {
      this.crashAt = 0;
      this.crashed = true;
      throw new SimulatedCrash(`simulated crash at op ${this.opCount}`);
    }
  }

  /** Power loss: every file becomes its durable image plus a seeded random fate per pending op. */
  crash(seed: number): void {
    let x = seed >>> 0 || 1;
    const rnd = (n: number): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    for (const image of this.files.values()) {
      let out: Uint8Array = image.durable.slice();
      for (const p of image.pending) {
        const fate = rnd(4);
        if (p.kind === 'truncate') {
          if (fate !== 0) out = grow(out, p.size);
          continue;
        }
        if (fate === 0) continue; // dropped
        if (fate === 1) {
          out = applyWrite(out, p.position, p.bytes); // applied
          continue;
        }
        if (out.length < p.position + p.bytes.length) out = grow(out, p.position + p.bytes.length);
        for (let s = 0; s < p.bytes.length; s += SECTOR) {
          const piece = p.bytes.subarray(s, s + SECTOR);
          if (fate === 2 && rnd(2) === 0) out.set(piece, p.position + s); // torn: some sectors
          if (fate === 3 && rnd(3) === 0) out.set(piece.map(() => rnd(256)), p.position + s); // garbage
        }
      }
      image.durable = out;
      image.current = out.slice();
      image.pending = [];
    }
    this.epoch++;
    this.crashAt = 0;
    this.crashed = false;
  }

  list(): string[] {
    return [...this.files.keys()].sort();
  }
  exists(name: string): boolean {
    return this.files.has(name);
  }
  openFile(name: string, options: OpenFileOptions = {}): PagedFile {
    let image = this.files.get(name);
    if (image === undefined) {
      if (!options.create) throw new PhotonError('NOT_FOUND', `${name} not found`);
      image = new FileImage();
      this.files.set(name, image);
    }
    return new CrashFile(this, `${this.path}/${name}`, image);
  }
  openAppend(): AppendFile {
    throw new PhotonError('INTERNAL', 'not used by the slab');
  }
  subdirectory(): Directory {
    throw new PhotonError('INTERNAL', 'not used by the slab');
  }
  /** Renames at once (this model treats directory operations as durable when made). */
  rename(from: string, to: string): void {
    this.countOp();
    const image = this.files.get(from);
    if (image === undefined) throw new PhotonError('NOT_FOUND', `${from} not found`);
    this.files.delete(from);
    this.files.set(to, image);
  }
  remove(name: string): void {
    this.files.delete(name);
  }
  async sync(): Promise<void> {}
  syncSync(): void {}
  lock(): FileLock {
    return { path: `${this.path}/LOCK`, release() {} };
  }
}
