/**
 * Reading the durable free-list chain (format.ts "Free-list page") at open and in `verify()`.
 * Every id and link is checked before use, so a hostile chain (a cycle, an id out of range, a
 * page listed twice) is CORRUPTION rather than a hang or a wrong free list.
 */
import type { PagedFile } from '@photondb/contracts';
import { PhotonError } from '@photondb/contracts';
import { PAGE_HEADER_BYTES, PAGE_TYPE, checkPage, corruption, decodeFreeListPayload } from './format.js';
import type { MetaState } from './format.js';

/**
 * Walks the free-list chain `meta` names and checks it (format.ts "Free-list page"): returns its
 * pages and the free ids; throws CORRUPTION on a bad page, a cycle, a bad id or a count mismatch.
 */
export function readFreeChain(file: PagedFile, meta: MetaState): { chain: number[]; free: number[] } {
  const pageSize = meta.pageSizeBytes;
  const chain: number[] = [];
  const free: number[] = [];
  const seen = new Set<number>();
  const page = new Uint8Array(pageSize);
  const fail = (id: number, what: string): PhotonError => corruption({ path: file.path, pageId: id, offset: id * pageSize }, `free list: ${what}`);
  for (let id = meta.freeListHead; id !== 0; ) {
    if (id < 2 || id >= meta.pageCount) throw fail(id, `chain page ${id} is outside pages 2..${meta.pageCount - 1}`);
    if (seen.has(id)) throw fail(id, `chain page ${id} appears twice (a cycle or a duplicate)`);
    if (chain.length >= meta.freeListPages) throw fail(id, `the chain is longer than the ${meta.freeListPages} pages the meta records`);
    seen.add(id);
    chain.push(id);
    const where = { path: file.path, pageId: id, offset: id * pageSize };
    if (file.read(id * pageSize, page) !== pageSize) throw corruption(where, 'free-list page past the end of the file');
    const header = checkPage(page, where);
    if (header.type !== PAGE_TYPE.freeList || header.flags !== 0) throw corruption(where, `page type ${header.type} where a free-list page belongs`);
    // + 1: a repaired meta slot is a copy of generation g labelled g - 1 (PageFile.repairOtherMeta).
    if (header.version > meta.generation + 1) throw corruption(where, `free-list page version ${header.version} is newer than generation ${meta.generation}`);
    // Every checkpoint rewrites the whole chain at its own generation, so an older page is a stale
    // version of itself (a lost write) that would hand out pages still in use.
    if (header.version < meta.generation) throw corruption(where, `free-list page version ${header.version} is older than generation ${meta.generation}: a stale page (lost write)`);
    const { next, ids } = decodeFreeListPayload(page.subarray(PAGE_HEADER_BYTES, PAGE_HEADER_BYTES + header.payloadBytes), where);
    for (const freeId of ids) {
      if (freeId < 2 || freeId >= meta.pageCount) throw fail(id, `free id ${freeId} is outside pages 2..${meta.pageCount - 1}`);
      if (seen.has(freeId)) throw fail(id, `page ${freeId} is listed twice or is also a chain page`);
      seen.add(freeId);
      free.push(freeId);
    }
    id = next;
  }
  if (chain.length !== meta.freeListPages || free.length !== meta.freePageCount) {
    throw fail(meta.freeListHead, `chain of ${chain.length} pages listing ${free.length} ids; the meta records ${meta.freeListPages} and ${meta.freePageCount}`);
  }
  return { chain, free };
}
