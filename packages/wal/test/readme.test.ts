import { describe, expect, it } from '@jest/globals';
import { MemoryFileSystem } from '@photondb/io';
import { WriteAheadLog } from '../src/index.js';

describe('README example', () => {
  it('runs as written (with an in-memory file system in place of NodeFileSystem)', async () => {
    const dir = new MemoryFileSystem().openDirectory('/tmp/journal', { create: true });
    const log = WriteAheadLog.open(dir);
    expect(log.recovery).toMatchObject({ cleanShutdown: true, created: true });
    const lsn = log.append(1, new TextEncoder().encode('{"op":"put"}'));
    await log.flush();
    const seen = [...log.read({ fromLsn: lsn })].map((r) => [r.lsn, r.type, r.payload.length]);
    expect(seen).toEqual([[1, 1, 12]]);
    await log.truncateBefore(lsn);
    await log.close();
    expect(WriteAheadLog.open(dir).recovery.cleanShutdown).toBe(true);
  });
});
