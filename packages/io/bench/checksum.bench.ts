/**
 * Checksum throughput: CRC-32 (native zlib.crc32) on 4 KiB and 64 KiB buffers, with and without a
 * skipped field. Run: pnpm --filter @photondb/io bench
 */
import { runSuite } from '@photondb-tools/bench';
import { checksum, checksumSkipping } from '../src/index.js';

const small = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) & 0xff);
const large = Uint8Array.from({ length: 65536 }, (_, i) => (i * 17) & 0xff);
let sink = 0;

await runSuite('io', [
  { name: 'checksum 4 KiB', fn: () => void (sink ^= checksum(small)), bytesPerOp: small.length },
  { name: 'checksum 64 KiB', fn: () => void (sink ^= checksum(large)), bytesPerOp: large.length },
  { name: 'checksumSkipping 4 KiB (4-byte field)', fn: () => void (sink ^= checksumSkipping(small, 8, 4)), bytesPerOp: small.length },
  { name: 'checksumSkipping 64 KiB (4-byte field)', fn: () => void (sink ^= checksumSkipping(large, 8, 4)), bytesPerOp: large.length },
]);
if (sink === 0.5) console.log(sink);
