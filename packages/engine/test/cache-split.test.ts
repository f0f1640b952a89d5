/**
 * How `cacheSizeBytes` is shared between decoded B-tree nodes and the page file's raw pages
 * (core.ts `pageCacheBytes`): the tree reads node pages with `PageStore.peek`, which does not
 * cache them, so the page cache keeps only a small share for written pages and overflow chains.
 */
import { describe, expect, it } from '@jest/globals';
import { pageCacheBytes, treeCacheBytes } from '../src/core.js';

const MiB = 2 ** 20;

describe('cache budget split', () => {
  it('gives decoded nodes 31/32 of the budget and raw pages 1/32', () => {
    const options = { cacheSizeBytes: 64 * MiB, pageSizeBytes: 8192 };
    expect(treeCacheBytes(options)).toBe(62 * MiB);
    expect(pageCacheBytes(options)).toBe(2 * MiB);
    expect(treeCacheBytes(options) + pageCacheBytes(options)).toBe(options.cacheSizeBytes);
  });

  it('keeps a floor of pages on each side for tiny budgets', () => {
    const options = { cacheSizeBytes: 64 * 1024, pageSizeBytes: 8192 };
    expect(pageCacheBytes(options)).toBe(8 * 8192);
    expect(treeCacheBytes(options)).toBe(64 * 8192);
  });
});
