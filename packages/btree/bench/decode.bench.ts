/**
 * Decoding leaf pages, the cost of every node-cache miss that admits a leaf: the quick two-pass
 * decoder (`decodeLeafQuickly`, what `decodeNode` takes for inline leaves) against the general
 * one, and the in-place search of a probe that does not decode. 256 leaves of 8 KiB pages
 * (payload 8152 bytes) packed to ~90% with 16-byte big-endian counter keys and 100-byte random
 * values, as the peers benchmark's random fill leaves them. 256 distinct pages (~2 MiB) do not all
 * stay in the CPU's caches, like leaves read from the OS page cache.
 * Run: pnpm --filter @photondb/btree bench
 */
import { runSuite } from '@photondb-tools/bench';
import { decodeNodeBy, encodeNode, searchLeafPayload } from '../src/format.js';
import { makeLeaf } from '../src/node.js';
import type { Layout } from '../src/node.js';

const layout: Layout = { capacityBytes: 8152, inlineLimitBytes: 2038, underflowBytes: 2038, maxKeyBytes: 2038, maxValueBytes: 1 << 30 };
const PER_LEAF = 63; // 63 x (16 + 100 + framing) ~ 90% of the payload once the prefix is shared
let seed = 1;
const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const pages: Uint8Array[] = [];
const probes: Uint8Array[] = [];
for (let leaf = 0; leaf < 256; leaf++) {
  const keys: Uint8Array[] = [];
  const values: Uint8Array[] = [];
  for (let i = 0; i < PER_LEAF; i++) {
    const k = new Uint8Array(16);
    new DataView(k.buffer).setUint32(12, leaf * 4000 + i * 60 + Math.floor(random() * 50));
    keys.push(k);
    values.push(Uint8Array.from({ length: 100 }, () => Math.floor(random() * 256)));
  }
  pages.push(encodeNode(makeLeaf(layout, keys, values, 1, null), 1 + leaf));
  probes.push(keys[Math.floor(random() * PER_LEAF)]);
}

let at = 0;
let sink = 0;
// Both decoders warmed alike first, so neither case pays the JIT's or the heap's start-up.
for (let round = 0; round < 40; round++) {
  for (let p = 0; p < pages.length; p++) {
    sink += decodeNodeBy(pages[p], 7, layout, 1 + p, 'general')!.keys.length;
    sink += decodeNodeBy(pages[p], 7, layout, 1 + p, 'auto')!.keys.length;
  }
}
await runSuite('btree-decode', [
  {
    name: 'decode leaf page, general path',
    fn: () => {
      at = (at + 97) & 255;
      sink += decodeNodeBy(pages[at], 7, layout, 1 + at, 'general')!.keys.length;
    },
  },
  {
    name: 'decode leaf page, quick path (decodeNode)',
    fn: () => {
      at = (at + 97) & 255;
      sink += decodeNodeBy(pages[at], 7, layout, 1 + at, 'auto')!.keys.length;
    },
  },
  {
    name: 'search leaf page in place (searchLeafPayload)',
    fn: () => {
      at = (at + 97) & 255;
      sink += searchLeafPayload(pages[at], probes[at], 7, layout, 1 + at) === undefined ? 0 : 1;
    },
  },
]);
if (sink === 0.5) console.log(sink);
