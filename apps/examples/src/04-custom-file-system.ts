/**
 * Example 4: the full engine over your own `FileSystem`. The engine reaches files only through
 * the `FileSystem` interface of `@photondb/contracts`, so a wrapper can count, throttle, encrypt
 * or mirror every byte. This one counts bytes written and fsyncs, per file, around `NodeFileSystem`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppendFile, Directory, FileLock, FileSystem, OpenDirectoryOptions, OpenFileOptions, PagedFile } from '@photondb/contracts';
import { open } from '@photondb/engine';
import { NodeFileSystem } from '@photondb/io';

/** Bytes written and syncs, shared by every file of one CountingFileSystem. */
export interface Counters {
  bytesWritten: number;
  syncs: number;
}

class CountingPagedFile implements PagedFile {
  private readonly inner: PagedFile;
  private readonly counters: Counters;
  constructor(inner: PagedFile, counters: Counters) {
    this.inner = inner;
    this.counters = counters;
  }
  get path(): string { return this.inner.path; }
  read(position: number, target: Uint8Array): number { return this.inner.read(position, target); }
  write(position: number, source: Uint8Array): void { this.inner.write(position, source); this.counters.bytesWritten += source.length; }
  sizeBytes(): number { return this.inner.sizeBytes(); }
  truncate(sizeBytes: number): void { this.inner.truncate(sizeBytes); }
  sync(): Promise<void> { this.counters.syncs++; return this.inner.sync(); }
  datasync(): Promise<void> { this.counters.syncs++; return this.inner.datasync(); }
  syncSync(): void { this.counters.syncs++; this.inner.syncSync(); }
  datasyncSync(): void { this.counters.syncs++; this.inner.datasyncSync(); }
  close(): void { this.inner.close(); }
}

class CountingAppendFile implements AppendFile {
  private readonly inner: AppendFile;
  private readonly counters: Counters;
  constructor(inner: AppendFile, counters: Counters) {
    this.inner = inner;
    this.counters = counters;
  }
  get path(): string { return this.inner.path; }
  append(source: Uint8Array): void { this.inner.append(source); this.counters.bytesWritten += source.length; }
  sizeBytes(): number { return this.inner.sizeBytes(); }
  sync(): Promise<void> { this.counters.syncs++; return this.inner.sync(); }
  datasync(): Promise<void> { this.counters.syncs++; return this.inner.datasync(); }
  syncSync(): void { this.counters.syncs++; this.inner.syncSync(); }
  close(): void { this.inner.close(); }
}

class CountingDirectory implements Directory {
  private readonly inner: Directory;
  private readonly counters: Counters;
  constructor(inner: Directory, counters: Counters) {
    this.inner = inner;
    this.counters = counters;
  }
  get path(): string { return this.inner.path; }
  list(): string[] { return this.inner.list(); }
  exists(name: string): boolean { return this.inner.exists(name); }
  openFile(name: string, options?: OpenFileOptions): PagedFile { return new CountingPagedFile(this.inner.openFile(name, options), this.counters); }
  openAppend(name: string, options?: OpenFileOptions): AppendFile { return new CountingAppendFile(this.inner.openAppend(name, options), this.counters); }
  subdirectory(name: string, options?: { readonly create?: boolean }): Directory { return new CountingDirectory(this.inner.subdirectory(name, options), this.counters); }
  rename(from: string, to: string): void { this.inner.rename(from, to); }
  remove(name: string): void { this.inner.remove(name); }
  sync(): Promise<void> { this.counters.syncs++; return this.inner.sync(); }
  syncSync(): void { this.counters.syncs++; this.inner.syncSync(); }
  lock(name?: string): FileLock { return this.inner.lock(name); }
}

/** A FileSystem that counts what the engine writes. */
export class CountingFileSystem implements FileSystem {
  readonly name = 'counting';
  readonly counters: Counters = { bytesWritten: 0, syncs: 0 };
  private readonly inner: FileSystem;
  constructor(inner: FileSystem = new NodeFileSystem()) {
    this.inner = inner;
  }
  openDirectory(path: string, options?: OpenDirectoryOptions): Directory { return new CountingDirectory(this.inner.openDirectory(path, options), this.counters); }
  exists(path: string): boolean { return this.inner.exists(path); }
}

export async function main(log: (line: string) => void = console.log): Promise<string[]> {
  const path = mkdtempSync(join(tmpdir(), 'photon-example-'));
  try {
    const fileSystem = new CountingFileSystem();
    const db = await open<string, unknown>(join(path, 'db'), { fileSystem, keyEncoding: 'utf8', valueEncoding: 'json' });
    await db.batch(Array.from({ length: 1000 }, (_, i) => ({ type: 'put' as const, key: `item:${String(i).padStart(4, '0')}`, value: { n: i } })));
    await db.set('item:0007', { n: 7, note: 'updated' });
    const seven = await db.get('item:0007');
    await db.close();
    log(`item:0007 = ${JSON.stringify(seven)}; the engine wrote ${fileSystem.counters.bytesWritten} bytes with ${fileSystem.counters.syncs} syncs`);
    return [JSON.stringify(seven), String(fileSystem.counters.bytesWritten > 0), String(fileSystem.counters.syncs > 0)];
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
