/**
 * Log benchmarks on real files (NodeFileSystem in the OS temp directory): appends without sync
 * for 100-byte and 4 KiB records, and durable commits (append + flush({ sync: true })) with 1, 8
 * and 64 concurrent committers, where group commit lets many commits share one fdatasync.
 */
import { runSuite } from '@photondb-tools/bench';
import { NodeFileSystem } from '@photondb/io';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteAheadLog } from '../src/index.js';

const fs = new NodeFileSystem();
const paths: string[] = [];
const logs: WriteAheadLog[] = [];
function openLog(): WriteAheadLog {
  const path = mkdtempSync(join(tmpdir(), 'photon-wal-bench-'));
  paths.push(path);
  const log = WriteAheadLog.open(fs.openDirectory(path), { segmentSizeBytes: 64 * 1024 * 1024 });
  logs.push(log);
  return log;
}

const small = new Uint8Array(100).fill(7);
const page = new Uint8Array(4096).fill(9);

function appendCase(name: string, payload: Uint8Array) {
  const log = openLog();
  let n = 0;
  return {
    name,
    bytesPerOp: payload.length,
    opsPerCall: 256,
    fn: async () => {
      for (let i = 0; i < 256; i++) log.append(1, payload);
      // Written to the OS (no sync) every call, so the figure includes the write.
      await log.flush({ sync: false });
      if ((n += 256) > 200_000) {
        await log.truncateBefore(log.lastLsn);
        n = 0;
      }
    },
  };
}

function commitCase(committers: number) {
  const log = openLog();
  return {
    name: `durable commits, ${committers} concurrent committer(s), 100 B`,
    opsPerCall: committers,
    bytesPerOp: 100,
    fn: async () => {
      await Promise.all(
        Array.from({ length: committers }, async () => {
          log.append(1, small);
          await log.flush({ sync: true });
        }),
      );
    },
  };
}

await runSuite('wal', [
  appendCase('append 100 B records (no sync)', small),
  appendCase('append 4 KiB records (no sync)', page),
  commitCase(1),
  commitCase(8),
  commitCase(64),
]);

for (const log of logs) {
  const s = log.stats();
  console.log(`log: ${s.appendedRecords} records, ${s.syncs} syncs, ${s.recordsPerSync.toFixed(1)} records/sync`);
  await log.close();
}
for (const p of paths) rmSync(p, { recursive: true, force: true });
