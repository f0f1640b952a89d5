/**
 * Example 3: a durable event log with `@photondb/wal` alone. Concurrent writers share one fsync
 * (group commit); after a restart, `read()` replays every record whose flush resolved, in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '@photondb/io';
import { WriteAheadLog } from '@photondb/wal';

const EVENT = 1;

export async function main(log: (line: string) => void = console.log): Promise<string[]> {
  const path = mkdtempSync(join(tmpdir(), 'photon-example-'));
  try {
    const dir = new NodeFileSystem().openDirectory(path);
    const wal = WriteAheadLog.open(dir);
    // 50 writers each append an event and wait until it is on stable storage.
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        wal.append(EVENT, new TextEncoder().encode(JSON.stringify({ order: i, total: i * 10 })));
        await wal.flush({ sync: true });
      }),
    );
    const { syncs } = wal.stats();
    await wal.close();

    const replay = WriteAheadLog.open(dir);
    let total = 0;
    let records = 0;
    for (const r of replay.read()) {
      total += (JSON.parse(new TextDecoder().decode(r.payload)) as { total: number }).total;
      records++;
    }
    log(`${records} events replayed (written with ${syncs} fsyncs), total ${total}; clean shutdown: ${replay.recovery.cleanShutdown}`);
    await replay.close();
    return [String(records), String(total), String(syncs < 50)];
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
