/**
 * The in-memory file tree shared by `MemoryFileSystem` and `SimulatedFileSystem`: nodes, handles
 * and directories implementing the contracts' file roles over byte arrays.
 *
 * A `MemoryHost` decides what surrounds each operation: the memory file system does nothing; the
 * simulator counts operations, crashes at a chosen one, injects faults, and keeps per file the
 * durable image (as of the last sync) and per directory the durable entries (as of the last
 * directory sync) plus the namespace operations made since, which `crash-image.ts` replays.
 *
 * Not here: anything about crashes themselves (see crash-image.ts) or real files (node-*.ts).
 */
import { PhotonError, copyBytes, hasErrorCode } from '@photondb/contracts';
import type { AppendFile, Directory, FileLock, OpenDirectoryOptions, OpenFileOptions, PagedFile } from '@photondb/contracts';
import {
  checkName,
  checkNonNegative,
  closedError,
  existsError,
  joinPath,
  lockedError,
  notFoundError,
  poisonedError,
  readOnlyError,
} from './file-errors.js';

/** Every operation a host hears about. Counted by the simulator: write, truncate, sync, datasync, create, rename, remove, dirsync. */
export type OpKind = 'read' | 'write' | 'truncate' | 'sync' | 'datasync' | 'open' | 'create' | 'rename' | 'remove' | 'dirsync';

/** What surrounds every operation on a memory tree. */
export interface MemoryHost {
  /** Whether nodes keep a durable image beside the volatile one. */
  readonly tracksDurability: boolean;
  /** Called before `op` on `path` takes effect; throws to stop it (crash, injected fault). */
  before(op: OpKind, path: string): void;
  /** Called before operations that are neither counted nor faultable (list, exists): throws after a crash. */
  checkAlive(): void;
  /** Held locks: directory node -> lock names. */
  readonly locks: Map<DirNode, Set<string>>;
}

/** A file: a growable byte array. */
export class FileNode {
  readonly kind = 'file' as const;
  /** Capacity >= size; bytes past `size` are zero. */
  data: Uint8Array;
  size: number;
  /** Contents as of the last sync (simulator only; exact length). */
  durable: Uint8Array;
  /** Written or truncated since the last sync. */
  dirty = false;

  constructor(contents: Uint8Array = new Uint8Array(0)) {
    this.data = copyBytes(contents);
    this.size = contents.length;
    this.durable = copyBytes(contents);
  }

  /** The current contents (a view; valid until the next write). */
  view(): Uint8Array {
    return this.data.subarray(0, this.size);
  }

  ensureCapacity(bytes: number): void {
    if (bytes <= this.data.length) return;
    const grown = new Uint8Array(Math.max(bytes, this.data.length * 2, 64));
    grown.set(this.data.subarray(0, this.size));
    this.data = grown;
  }

  write(position: number, source: Uint8Array): void {
    const end = position + source.length;
    this.ensureCapacity(end);
    this.data.set(source, position);
    if (end > this.size) this.size = end;
    this.dirty = true;
  }

  truncate(sizeBytes: number): void {
    if (sizeBytes < this.size) this.data.fill(0, sizeBytes, this.size);
    else this.ensureCapacity(sizeBytes);
    this.size = sizeBytes;
    this.dirty = true;
  }

  /** Makes the current contents the durable image. */
  makeDurable(): void {
    if (!this.dirty) return;
    this.durable = this.data.slice(0, this.size);
    this.dirty = false;
  }
}

/** A namespace change not yet made durable by a directory sync. */
export type NamespaceOp =
  | { readonly kind: 'link'; readonly name: string; readonly node: Node }
  | { readonly kind: 'unlink'; readonly name: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string };

/** A directory: names to nodes, plus (simulator) its durable entries and pending changes. */
export class DirNode {
  readonly kind = 'dir' as const;
  readonly entries = new Map<string, Node>();
  durableEntries = new Map<string, Node>();
  pending: NamespaceOp[] = [];

  apply(op: NamespaceOp, tracks: boolean): void {
    applyNamespaceOp(this.entries, op);
    if (tracks) this.pending.push(op);
  }

  makeDurable(): void {
    this.durableEntries = new Map(this.entries);
    this.pending = [];
  }
}

export type Node = FileNode | DirNode;

/** Applies one namespace operation to an entry map (also used to replay a prefix at a crash). */
export function applyNamespaceOp(entries: Map<string, Node>, op: NamespaceOp): void {
  if (op.kind === 'link') {
    entries.set(op.name, op.node);
  } else if (op.kind === 'unlink') {
    entries.delete(op.name);
  } else {
    const node = entries.get(op.from);
    if (node === undefined) return;
    entries.delete(op.from);
    entries.set(op.to, node);
  }
}

/** Splits a '/'-separated path into validated components ('' and '.' skipped). */
export function splitPath(path: string): string[] {
  if (typeof path !== 'string') throw new PhotonError('INVALID_ARGUMENT', `path must be a string, got ${typeof path}`);
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  for (const p of parts) checkName(p, path);
  return parts;
}

/** A positional file handle on a FileNode. */
export class MemoryPagedFile implements PagedFile {
  readonly path: string;
  private readonly node: FileNode;
  private readonly host: MemoryHost;
  private readonly readOnly: boolean;
  private closed = false;
  private poison: unknown = undefined;

  constructor(path: string, node: FileNode, host: MemoryHost, readOnly: boolean) {
    this.path = path;
    this.node = node;
    this.host = host;
    this.readOnly = readOnly;
  }

  read(position: number, target: Uint8Array): number {
    if (this.closed) throw closedError(this.path);
    checkNonNegative('read position', position, this.path);
    this.host.before('read', this.path);
    const n = Math.max(0, Math.min(target.length, this.node.size - position));
    if (n > 0) target.set(this.node.data.subarray(position, position + n));
    return n;
  }

  write(position: number, source: Uint8Array): void {
    this.checkWritable();
    checkNonNegative('write position', position, this.path);
    this.host.before('write', this.path);
    this.node.write(position, source);
  }

  sizeBytes(): number {
    if (this.closed) throw closedError(this.path);
    this.host.checkAlive();
    return this.node.size;
  }

  truncate(sizeBytes: number): void {
    this.checkWritable();
    checkNonNegative('size', sizeBytes, this.path);
    this.host.before('truncate', this.path);
    this.node.truncate(sizeBytes);
  }

  async sync(): Promise<void> {
    this.syncSync();
  }

  async datasync(): Promise<void> {
    this.datasyncSync();
  }

  syncSync(): void {
    this.flush('sync');
  }

  datasyncSync(): void {
    this.flush('datasync');
  }

  close(): void {
    this.closed = true;
  }

  private flush(op: 'sync' | 'datasync'): void {
    this.checkWritable();
    try {
      this.host.before(op, this.path);
    } catch (e) {
      if (hasErrorCode(e, 'IO')) this.poison = e;
      throw e;
    }
    if (this.host.tracksDurability) this.node.makeDurable();
  }

  private checkWritable(): void {
    if (this.closed) throw closedError(this.path);
    if (this.readOnly) throw readOnlyError(this.path);
    if (this.poison !== undefined) throw poisonedError(this.path, this.poison);
  }
}

/** An append-only handle: a positional handle that always writes at the end. */
export class MemoryAppendFile implements AppendFile {
  readonly path: string;
  private readonly file: MemoryPagedFile;

  constructor(file: MemoryPagedFile) {
    this.path = file.path;
    this.file = file;
  }

  append(source: Uint8Array): void {
    this.file.write(this.file.sizeBytes(), source);
  }

  sizeBytes(): number {
    return this.file.sizeBytes();
  }

  sync(): Promise<void> {
    return this.file.sync();
  }

  datasync(): Promise<void> {
    return this.file.datasync();
  }

  syncSync(): void {
    this.file.syncSync();
  }

  close(): void {
    this.file.close();
  }
}

/** A directory handle on a DirNode. */
export class MemoryDirectory implements Directory {
  readonly path: string;
  private readonly node: DirNode;
  private readonly host: MemoryHost;

  constructor(path: string, node: DirNode, host: MemoryHost) {
    this.path = path;
    this.node = node;
    this.host = host;
  }

  list(): string[] {
    this.host.checkAlive();
    return [...this.node.entries.keys()].sort();
  }

  exists(name: string): boolean {
    checkName(name, this.path);
    this.host.checkAlive();
    return this.node.entries.has(name);
  }

  openFile(name: string, options: OpenFileOptions = {}): PagedFile {
    return this.open(name, options);
  }

  openAppend(name: string, options: OpenFileOptions = {}): AppendFile {
    return new MemoryAppendFile(this.open(name, options));
  }

  subdirectory(name: string, options: { readonly create?: boolean } = {}): Directory {
    checkName(name, this.path);
    const path = joinPath(this.path, name);
    this.host.checkAlive();
    const found = this.node.entries.get(name);
    if (found !== undefined) {
      if (found.kind !== 'dir') throw new PhotonError('IO', `${path} is a file, not a directory`, { path, errno: 'ENOTDIR' });
      return new MemoryDirectory(path, found, this.host);
    }
    if (options.create !== true) throw notFoundError(path);
    this.host.before('create', path);
    const dir = new DirNode();
    this.node.apply({ kind: 'link', name, node: dir }, this.host.tracksDurability);
    return new MemoryDirectory(path, dir, this.host);
  }

  rename(from: string, to: string): void {
    checkName(from, this.path);
    checkName(to, this.path);
    const fromPath = joinPath(this.path, from);
    this.host.checkAlive();
    const node = this.node.entries.get(from);
    if (node === undefined) throw notFoundError(fromPath);
    const target = this.node.entries.get(to);
    if (target !== undefined && target.kind === 'dir' && target !== node) {
      throw new PhotonError('IO', `cannot rename ${fromPath} over directory ${joinPath(this.path, to)}`, { path: fromPath, errno: 'EISDIR' });
    }
    this.host.before('rename', fromPath);
    if (from === to) return;
    this.node.apply({ kind: 'rename', from, to }, this.host.tracksDurability);
  }

  remove(name: string): void {
    checkName(name, this.path);
    const path = joinPath(this.path, name);
    this.host.checkAlive();
    const node = this.node.entries.get(name);
    if (node === undefined) throw notFoundError(path);
    if (node.kind === 'dir') throw new PhotonError('IO', `${path} is a directory; remove() removes files`, { path, errno: 'EISDIR' });
    this.host.before('remove', path);
    this.node.apply({ kind: 'unlink', name }, this.host.tracksDurability);
  }

  async sync(): Promise<void> {
    this.syncSync();
  }

  syncSync(): void {
    this.host.before('dirsync', this.path);
    if (this.host.tracksDurability) this.node.makeDurable();
  }

  lock(name = 'LOCK'): FileLock {
    checkName(name, this.path);
    this.host.checkAlive();
    const path = joinPath(this.path, name);
    let held = this.host.locks.get(this.node);
    if (held === undefined) {
      held = new Set();
      this.host.locks.set(this.node, held);
    }
    if (held.has(name)) throw lockedError(path, process.pid, ' (this process)');
    held.add(name);
    const set = held;
    let released = false;
    return {
      path,
      release: () => {
        if (released) return;
        released = true;
        set.delete(name);
      },
    };
  }

  private open(name: string, options: OpenFileOptions): MemoryPagedFile {
    checkName(name, this.path);
    const path = joinPath(this.path, name);
    this.host.before('open', path);
    const found = this.node.entries.get(name);
    if (found !== undefined) {
      if (found.kind !== 'file') throw new PhotonError('IO', `${path} is a directory, not a file`, { path, errno: 'EISDIR' });
      if (options.create === true && options.exclusive === true) throw existsError(path);
      return new MemoryPagedFile(path, found, this.host, options.readOnly === true);
    }
    if (options.create !== true) throw notFoundError(path);
    this.host.before('create', path);
    const file = new FileNode();
    this.node.apply({ kind: 'link', name, node: file }, this.host.tracksDurability);
    return new MemoryPagedFile(path, file, this.host, options.readOnly === true);
  }
}

/** The root of a memory tree and path lookup over it. */
export class MemoryTree {
  readonly root: DirNode;
  private readonly host: MemoryHost;

  constructor(host: MemoryHost, root: DirNode = new DirNode()) {
    this.host = host;
    this.root = root;
  }

  openDirectory(path: string, options: OpenDirectoryOptions = {}): Directory {
    const parts = splitPath(path);
    this.host.checkAlive();
    let node = this.root;
    let at = '';
    for (const part of parts) {
      at = `${at}/${part}`;
      const next = node.entries.get(part);
      if (next === undefined) {
        if (options.create !== true) throw notFoundError(at);
        this.host.before('create', at);
        const dir = new DirNode();
        node.apply({ kind: 'link', name: part, node: dir }, this.host.tracksDurability);
        node = dir;
      } else if (next.kind === 'dir') {
        node = next;
      } else {
        throw new PhotonError('IO', `${at} is a file, not a directory`, { path: at, errno: 'ENOTDIR' });
      }
    }
    return new MemoryDirectory(at === '' ? '/' : at, node, this.host);
  }

  exists(path: string): boolean {
    const parts = splitPath(path);
    this.host.checkAlive();
    let node: Node = this.root;
    for (const part of parts) {
      if (node.kind !== 'dir') return false;
      const next: Node | undefined = node.entries.get(part);
      if (next === undefined) return false;
      node = next;
    }
    return true;
  }
}
