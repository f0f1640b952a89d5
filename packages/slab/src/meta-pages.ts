/**
 * Reading the two meta pages at open and choosing one (LMDB style): each meta page is checked on
 * its own; the valid one with the highest generation wins, so a torn write of the newer one
 * falls back to the older, whole. The page size is not known before a meta page is read, so
 * page 0 says it, and page 1 is looked for at every legal page size when page 0 is unreadable.
 *
 * Outcomes: a chosen meta (and whether the other slot was valid); NOT_A_DATABASE when neither
 * slot carries our magic; UNSUPPORTED_VERSION when a slot with a valid checksum, or the only
 * slot with our magic, claims a newer format; CORRUPTION naming both failures otherwise.
 */
import { PhotonError } from '@photondb/contracts';
import type { PagedFile } from '@photondb/contracts';
import {
  FORMAT_VERSION,
  MAX_PAGE_SIZE_BYTES,
  MIN_PAGE_SIZE_BYTES,
  claimedFormatVersion,
  claimedPageSize,
  decodeMetaPage,
  isValidPageSize,
  pageChecksum,
  storedChecksum,
} from './format.js';
import type { MetaState } from './format.js';

/** The result of reading both meta pages. */
export interface MetaChoice {
  readonly meta: MetaState;
  /** The slot (0 or 1) of the chosen meta. */
  readonly slot: number;
  /** Why the other slot is not valid, or undefined when it is. */
  readonly otherProblem: string | undefined;
}

interface SlotRead {
  meta?: MetaState;
  problem: string;
  /** The slot carries the page magic and the file magic. */
  ours: boolean;
  /** A format version above ours, claimed by a page whose checksum holds (or undefined). */
  newerVersion?: number;
  claimedVersion?: number;
}

function readAt(file: PagedFile, position: number, length: number): Uint8Array | undefined {
  const page = new Uint8Array(length);
  return file.read(position, page) === length ? page : undefined;
}

function readSlot(file: PagedFile, slot: number, pageSizeBytes: number): SlotRead {
  const offset = slot * pageSizeBytes;
  const page = readAt(file, offset, pageSizeBytes);
  if (page === undefined) return { problem: `meta page ${slot} is past the end of the file`, ours: false };
  const version = claimedFormatVersion(page);
  if (version === undefined) return { problem: `meta page ${slot} does not carry the PhotonDB magic`, ours: false };
  if (version > FORMAT_VERSION) {
    const intact = storedChecksum(page) === pageChecksum(page);
    return { problem: `meta page ${slot} is format version ${version}`, ours: true, claimedVersion: version, ...(intact ? { newerVersion: version } : {}) };
  }
  try {
    const meta = decodeMetaPage(page, { path: file.path, pageId: slot, offset });
    // A checkpoint syncs the file's growth before its meta, so a longer claim is damage (and
    // would otherwise size in-memory tables from a hostile number).
    if (meta.pageCount * pageSizeBytes > file.sizeBytes()) {
      return { problem: `meta page ${slot} claims ${meta.pageCount} pages; the file holds ${Math.floor(file.sizeBytes() / pageSizeBytes)}`, ours: true };
    }
    return { meta, problem: '', ours: true };
  } catch (e) {
    return { problem: (e as Error).message, ours: true };
  }
}

/** Reads page 1 at the page size page 0 claims, else at every legal size until one parses. */
function readSlotOne(file: PagedFile, hint: number | undefined): SlotRead {
  if (hint !== undefined) return readSlot(file, 1, hint);
  let best: SlotRead = { problem: 'meta page 1 not found at any page size', ours: false };
  for (let size = MIN_PAGE_SIZE_BYTES; size <= MAX_PAGE_SIZE_BYTES; size *= 2) {
    const read = readSlot(file, 1, size);
    if (read.meta !== undefined || read.newerVersion !== undefined) return read;
    if (read.ours && !best.ours) best = read;
  }
  return best;
}

/** Reads both meta pages of `file` and returns the newest valid one; see the file comment. */
export function chooseMeta(file: PagedFile): MetaChoice {
  const head = readAt(file, 0, Math.min(MAX_PAGE_SIZE_BYTES, file.sizeBytes())) ?? new Uint8Array(0);
  const claimed = claimedPageSize(head);
  const zeroSize = isValidPageSize(claimed) && claimed <= head.length ? claimed : undefined;
  const zero: SlotRead =
    zeroSize !== undefined
      ? readSlot(file, 0, zeroSize)
      : { problem: 'meta page 0 does not carry the PhotonDB magic or a legal page size', ours: claimed !== undefined };
  const one = readSlotOne(file, zero.meta?.pageSizeBytes);
  const newer = zero.newerVersion ?? one.newerVersion;
  if (newer !== undefined) {
    throw new PhotonError(
      'UNSUPPORTED_VERSION',
      `${file.path} is page-file format version ${newer}; this version of @photondb/slab reads version ${FORMAT_VERSION}`,
      { path: file.path, actual: newer, limit: FORMAT_VERSION },
    );
  }
  if (zero.meta === undefined && one.meta === undefined) {
    if (!zero.ours && !one.ours) {
      throw new PhotonError('NOT_A_DATABASE', `${file.path} is not a PhotonDB page file (no meta page carries its magic)`, { path: file.path });
    }
    const claimedVersion = zero.claimedVersion ?? one.claimedVersion;
    if (claimedVersion !== undefined) {
      throw new PhotonError('UNSUPPORTED_VERSION', `${file.path} claims page-file format version ${claimedVersion}; this version reads ${FORMAT_VERSION}`, {
        path: file.path,
        actual: claimedVersion,
        limit: FORMAT_VERSION,
      });
    }
    throw new PhotonError('CORRUPTION', `${file.path}: neither meta page is valid: ${zero.problem}; ${one.problem}`, { path: file.path });
  }
  const useZero = zero.meta !== undefined && (one.meta === undefined || zero.meta.generation > one.meta.generation);
  if (useZero) return { meta: zero.meta!, slot: 0, otherProblem: one.meta === undefined ? one.problem : undefined };
  return { meta: one.meta!, slot: 1, otherProblem: zero.meta === undefined ? zero.problem : undefined };
}
