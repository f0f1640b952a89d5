/**
 * Checksum throughput: CRC-32C (slicing-by-8) on 4 KiB and 64 KiB buffers, with and without a
 * skipped field, next to Node's native CRC-32 (IEEE, `zlib.crc32`, a different polynomial) for
 * scale. Run: pnpm --filter @photondb/io bench
 */
import { runSuite } from '@photondb-tools/bench';
import zlib from 'node:zlib';
import { checksum, checksumSkipping } from '../src/index.js';

const small = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) & 0xff);
const large = Uint8Array.from({ length: 65536 }, (_, i) => (i * 17) & 0xff);
let sink = 0;
const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

const cases = [
  { name: 'checksum 4 KiB', fn: () => void (sink ^= checksum(small)), bytesPerOp: small.length },
  { name: 'checksum 64 KiB', fn: () => void (sink ^= checksum(large)), bytesPerOp: large.length },
  { name: 'checksumSkipping 4 KiB (4-byte field)', fn: () => void (sink ^= checksumSkipping(small, 8, 4)), bytesPerOp: small.length },
  { name: 'checksumSkipping 64 KiB (4-byte field)', fn: () => void (sink ^= checksumSkipping(large, 8, 4)), bytesPerOp: large.length },
];
if (nativeCrc32 !== undefined) {
  const crc32 = nativeCrc32;
  cases.push(
    { name: 'zlib.crc32 (IEEE, reference) 4 KiB', fn: () => void (sink ^= crc32(small)), bytesPerOp: small.length },
    { name: 'zlib.crc32 (IEEE, reference) 64 KiB', fn: () => void (sink ^= crc32(large)), bytesPerOp: large.length },
  );
}

await runSuite('io', cases);
if (sink === 0.5) console.log(sink);
