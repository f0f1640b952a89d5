/**
 * Whole-file checks and page descriptions for inspection tools (`photon check`, the page map).
 * `verifyPageFile` walks the durable checkpoint as stored and returns every problem as data; it
 * never throws for a damaged file. It checks what the page file can know: the meta pages, the
 * free-list chain, and the header and checksum of every page in use. Whether a data page is
 * reachable from a tree's root is the tree's business (the B-tree's own `verify()`).
 */
import type { PagedFile } from '@photondb/contracts';
import {
  PAGE_FLAG_COMPRESSED,
  PAGE_HEADER_BYTES,
  PAGE_TYPE,
  checkPage,
  decodeMetaPage,
  hasPageMagic,
  pageChecksum,
  payloadCapacity,
  readHeader,
  storedChecksum,
} from './format.js';
import type { MetaState } from './format.js';
import { checksum } from '@photondb/io';
import { readFreeChain } from './free-chain.js';
import { decodeSnappyInto } from './snappy.js';

/** One problem found by `verify()`. */
export interface VerifyProblem {
  readonly pageId?: number;
  readonly message: string;
}

/** What `describePage` reports about one stored page. */
export interface PageDescription {
  /** 'meta', 'data', 'free-list' or 'free' (the page's role in the current state). */
  readonly type: string;
  /** The header's version: the checkpoint generation that wrote it (0 when unreadable). */
  readonly version: number;
  readonly payloadBytes: number;
  readonly flags: number;
  readonly compressed: boolean;
  /** Magic and checksum hold. */
  readonly checksumOk: boolean;
  /** payloadBytes / payload capacity, 0..1. */
  readonly fill: number;
}

/** Describes a stored page from its raw bytes and its role. */
export function describeStoredPage(raw: Uint8Array, _id: number, role: string): PageDescription {
  const checksumOk = hasPageMagic(raw) && storedChecksum(raw) === pageChecksum(raw);
  const header = readHeader(raw);
  const capacity = payloadCapacity(raw.length);
  const payloadBytes = hasPageMagic(raw) ? header.payloadBytes : 0;
  return {
    type: role,
    version: hasPageMagic(raw) ? header.version : 0,
    payloadBytes,
    flags: hasPageMagic(raw) ? header.flags : 0,
    compressed: hasPageMagic(raw) && (header.flags & PAGE_FLAG_COMPRESSED) !== 0,
    checksumOk,
    fill: Math.min(1, payloadBytes / capacity),
  };
}

function checkMetaSlots(file: PagedFile, durable: MetaState, problems: VerifyProblem[]): void {
  const size = durable.pageSizeBytes;
  for (const slot of [0, 1]) {
    const page = new Uint8Array(size);
    const read = file.read(slot * size, page);
    try {
      if (read !== size) throw new Error(`meta page ${slot} is past the end of the file`);
      const meta = decodeMetaPage(page, { path: file.path, pageId: slot, offset: slot * size });
      if (slot === durable.generation % 2 && meta.generation !== durable.generation) {
        problems.push({ pageId: slot, message: `meta page ${slot} holds generation ${meta.generation}, expected ${durable.generation}` });
      } else if (slot !== durable.generation % 2 && meta.generation >= durable.generation) {
        problems.push({ pageId: slot, message: `meta page ${slot} holds generation ${meta.generation}, newer than the open one` });
      }
    } catch (e) {
      problems.push({ pageId: slot, message: (e as Error).message });
    }
  }
}

function checkDataPage(file: PagedFile, durable: MetaState, id: number, page: Uint8Array, scratch: Uint8Array): string | undefined {
  const offset = id * durable.pageSizeBytes;
  const where = { path: file.path, pageId: id, offset };
  if (file.read(offset, page) !== page.length) return `page ${id} is past the end of the file`;
  try {
    const header = checkPage(page, where);
    if (header.type !== PAGE_TYPE.data) return `page ${id} is in use but has type ${header.type}, not data`;
    // + 1: see free-chain.ts (a repaired meta slot is labelled one generation older).
    if (header.version > durable.generation + 1) return `page ${id} has version ${header.version}, newer than generation ${durable.generation}`;
    if ((header.flags & PAGE_FLAG_COMPRESSED) !== 0) {
      const out = scratch.subarray(0, header.payloadBytes);
      const problem = decodeSnappyInto(page.subarray(PAGE_HEADER_BYTES, PAGE_HEADER_BYTES + header.storedBytes), out);
      if (problem !== undefined) return `page ${id}: compressed payload: ${problem}`;
      if (checksum(out) !== header.payloadChecksum) return `page ${id}: decompressed payload fails its checksum`;
    }
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/** Checks the durable checkpoint `durable` as stored in `file`; returns every problem. */
export function verifyPageFile(file: PagedFile, durable: MetaState): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const size = durable.pageSizeBytes;
  checkMetaSlots(file, durable, problems);
  if (file.sizeBytes() < durable.pageCount * size) {
    problems.push({ message: `the file is ${file.sizeBytes()} bytes; ${durable.pageCount} pages need ${durable.pageCount * size}` });
  }
  const notInUse = new Set<number>();
  try {
    const { chain, free } = readFreeChain(file, durable);
    for (const id of chain) notInUse.add(id);
    for (const id of free) notInUse.add(id);
  } catch (e) {
    const pageId = (e as { pageId?: number }).pageId;
    problems.push({ ...(pageId !== undefined ? { pageId } : {}), message: (e as Error).message });
  }
  const page = new Uint8Array(size);
  const scratch = new Uint8Array(size);
  for (let id = 2; id < durable.pageCount; id++) {
    if (notInUse.has(id)) continue;
    const problem = checkDataPage(file, durable, id, page, scratch);
    if (problem !== undefined) problems.push({ pageId: id, message: problem });
  }
  return problems;
}
