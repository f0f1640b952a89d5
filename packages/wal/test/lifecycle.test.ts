/** Edge cases of the log's life: odd arguments, growth past the write buffer, left-overs and damaged headers, failures in sync and close. */
import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { readAllBytes, withFailpoints } from '@photondb/io/testing';
import { WriteAheadLog, inspectLog, segmentFileName } from '../src/index.js';
import { encodeSegmentHeader } from '../src/format.js';
import { LOG_PATH, newFileSystem, openLog, payloadOf, powerLoss, readAll } from './helpers/logs.js';

describe('arguments', () => {
  it('refuses something that is not a Directory, a null payload and a bad truncation LSN', async () => {
    await expectCode('INVALID_ARGUMENT', () => WriteAheadLog.open({} as never));
    const log = openLog(newFileSystem());
    let caught: unknown;
    try {
      log.append(1, null as never);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('got null') });
    await expectCode('INVALID_ARGUMENT', () => log.truncateBefore(-1 as never));
    await expectCode('INVALID_ARGUMENT', () => log.truncateBefore(1.5 as never));
    await log.close();
  });
});

describe('firstLsn', () => {
  it('is 1 for a new log and moves up with truncation', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    expect(log.firstLsn).toBe(1);
    for (let i = 0; i < 80; i++) log.append(1, payloadOf(i, 200));
    await log.flush();
    await log.truncateBefore(81 as never);
    expect(log.firstLsn).toBe(81);
    await log.close();
    expect(openLog(fs).firstLsn).toBe(81);
  });
});

describe('growth and left-overs', () => {
  it('grows its write buffer for a record larger than it, and reads the record back', async () => {
    const fs = newFileSystem();
    const log = openLog(fs, { maxRecordBytes: 300_000 });
    log.append(1, payloadOf(1, 10));
    log.append(2, payloadOf(2, 200_000));
    log.append(3, payloadOf(3, 10));
    await log.close();
    const again = openLog(fs, { maxRecordBytes: 300_000 });
    expect(readAll(again).map((r) => r.payload.length)).toEqual([10, 200_000, 10]);
    expect(readAll(again)[1].payload).toEqual(payloadOf(2, 200_000));
    await again.close();
  });

  it('replaces a temporary file left where the next segment is being created', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    const dir = fs.openDirectory(LOG_PATH);
    const stale = dir.openFile(`${segmentFileName(2)}.tmp`, { create: true });
    stale.write(0, new Uint8Array(100).fill(7));
    stale.close();
    for (let i = 0; i < 40; i++) log.append(1, payloadOf(i, 300));
    await log.flush();
    expect(dir.exists(segmentFileName(2))).toBe(true);
    expect(dir.exists(`${segmentFileName(2)}.tmp`)).toBe(false);
    await log.close();
    expect(readAll(openLog(fs)).length).toBe(40);
  });
});

describe('damaged segment headers', () => {
  async function twoSegments() {
    const fs = newFileSystem();
    const log = openLog(fs);
    for (let i = 0; i < 30; i++) log.append(1, payloadOf(i, 300));
    await log.close();
    return fs;
  }

  it('refuses a segment whose header names another segment number', async () => {
    const fs = await twoSegments();
    const file = fs.openDirectory(LOG_PATH).openFile(segmentFileName(2));
    const header = readAllBytes(file).subarray(0, 48);
    const salt = new DataView(header.buffer, header.byteOffset).getUint32(12, true);
    file.write(0, encodeSegmentHeader({ salt, segmentNo: 7, firstLsn: 5 }));
    file.close();
    await expectCode('CORRUPTION', () => openLog(fs));
  });

  it('refuses a segment that does not start where the one before ended, and salvage reports it', async () => {
    const fs = await twoSegments();
    const file = fs.openDirectory(LOG_PATH).openFile(segmentFileName(2));
    const header = readAllBytes(file).subarray(0, 48);
    const view = new DataView(header.buffer, header.byteOffset);
    const salt = view.getUint32(12, true);
    const firstLsn = view.getUint32(24, true);
    file.write(0, encodeSegmentHeader({ salt, segmentNo: 2, firstLsn: firstLsn + 3 }));
    file.close();
    await expectCode('CORRUPTION', () => openLog(fs));
    const report = inspectLog(fs.openDirectory(LOG_PATH));
    expect(report.corruption).toMatchObject({ segment: 2, offset: 24 });
    expect(report.records.length).toBe(firstLsn - 1);
  });

  it('describes an empty directory as a clean, empty log, and a torn tail as such', async () => {
    const fs = newFileSystem();
    expect(inspectLog(fs.openDirectory(LOG_PATH))).toMatchObject({ segments: [], records: [], cleanShutdown: true, lastLsn: 0 });
    const log = openLog(fs);
    log.append(1, payloadOf(1, 10));
    await log.flush();
    log.append(1, payloadOf(2, 2000));
    await log.flush({ sync: false });
    const crashed = powerLoss(fs, 3, 'garbage');
    const report = inspectLog(crashed.openDirectory(LOG_PATH));
    expect(report.tornTail).toMatchObject({ segment: 1, afterLsn: 1 });
    expect(report.records.map((r) => r.lsn)).toEqual([1]);
    expect(report.cleanShutdown).toBe(false);
  });
});

describe('failures', () => {
  it('reports a sync that throws a plain error as IO naming it, and refuses appends after', async () => {
    const log = openLog(newFileSystem());
    log.append(1, payloadOf(1, 10));
    await withFailpoints({ 'wal:before-datasync': () => { throw new Error('the disk went away'); } }, async () => {
      await expect(log.flush()).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('the disk went away') });
    });
    expect(() => log.append(1, payloadOf(2, 10))).toThrow(expect.objectContaining({ code: 'IO' }) as never);
    await log.close();
  });

  it('fails close with IO when the closing sync fails, and the next open sees an unclean shutdown', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    log.append(1, payloadOf(1, 10));
    await log.flush();
    fs.addFault({ op: 'datasync', errno: 'EIO', persistent: true });
    await expect(log.close()).rejects.toMatchObject({ code: 'IO' });
    fs.clearFaults();
    const again = openLog(powerLoss(fs, 1, 'drop'));
    expect(again.recovery.cleanShutdown).toBe(false);
    expect(readAll(again).map((r) => r.lsn)).toEqual([1]);
    await again.close();
  });
});

describe('closing gives back the preallocated space', () => {
  const sizes = (fs: ReturnType<typeof newFileSystem>): number[] => {
    const dir = fs.openDirectory(LOG_PATH);
    return dir.list().filter((n) => n.endsWith('.wal')).map((n) => {
      const f = dir.openFile(n, { readOnly: true });
      try {
        return f.sizeBytes();
      } finally {
        f.close();
      }
    });
  };

  it('cuts the active segment after its closing marker, and the next open appends to a new segment', async () => {
    const fs = newFileSystem();
    const log = openLog(fs, { segmentSizeBytes: 64 * 1024 });
    for (let i = 0; i < 5; i++) log.append(1, payloadOf(i, 100));
    await log.close();
    const [size] = sizes(fs);
    expect(size).toBeLessThanOrEqual(2048);
    expect(size % 512).toBe(0);
    const again = openLog(fs, { segmentSizeBytes: 64 * 1024 });
    expect(again.recovery).toMatchObject({ cleanShutdown: true, records: 5 });
    for (let i = 5; i < 10; i++) again.append(1, payloadOf(i, 100));
    await again.flush({ sync: true });
    expect(readAll(again).map((r) => r.lsn)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sizes(fs).length).toBe(2);
    // A power loss now keeps the synced records in the new segment after the cut one.
    const after = openLog(powerLoss(fs, 3, 'torn'), { segmentSizeBytes: 64 * 1024 });
    expect(readAll(after).map((r) => r.lsn)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(after.recovery.cleanShutdown).toBe(false);
    await after.close();
  });

  it('keeps a clean shutdown when the cut fails, and a power loss after the cut', async () => {
    const fs = newFileSystem();
    const log = openLog(fs, { segmentSizeBytes: 64 * 1024 });
    log.append(1, payloadOf(1, 10));
    await withFailpoints({ 'wal:close-truncate': () => { throw new Error('injected before the cut'); } }, async () => {
      await expect(log.close()).rejects.toMatchObject({ code: 'IO' });
    });
    expect(sizes(fs)).toEqual([64 * 1024]);
    const again = openLog(fs, { segmentSizeBytes: 64 * 1024 });
    expect(again.recovery).toMatchObject({ cleanShutdown: true, records: 1 });
    await again.close();
    for (const damage of ['drop', 'torn', 'garbage'] as const) {
      const reopened = openLog(powerLoss(fs, 5, damage), { segmentSizeBytes: 64 * 1024 });
      expect(reopened.recovery).toMatchObject({ cleanShutdown: true, records: 1 });
      await reopened.close();
    }
  });
});

describe('rotation right after a sync', () => {
  it('reads back every record when the record after a sync goes to a new segment', async () => {
    const fs = newFileSystem();
    const log = openLog(fs, { segmentSizeBytes: 4096 });
    // 512 header + 24 records of 132 bytes = 3680: the next 600-byte record cannot fit.
    for (let i = 0; i < 24; i++) log.append(1, payloadOf(i, 100));
    await log.flush({ sync: true });
    log.append(1, payloadOf(24, 600));
    await log.flush({ sync: true });
    expect(readAll(log).map((r) => r.lsn)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    await log.close();
    const again = openLog(fs, { segmentSizeBytes: 4096 });
    expect(readAll(again).map((r) => r.lsn)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    await again.close();
  });
});

describe('appendOwned', () => {
  it('logs the payload it is given without copying it, with the checks of append', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    const owned = payloadOf(7, 40);
    const copy = owned.slice();
    expect(log.appendOwned(2, owned)).toBe(1);
    log.append(3, payloadOf(8, 10));
    await log.flush({ sync: true });
    expect(readAll(log).map((r) => [r.lsn, r.type, Buffer.from(r.payload).toString('hex')])).toEqual([
      [1, 2, Buffer.from(copy).toString('hex')],
      [2, 3, Buffer.from(payloadOf(8, 10)).toString('hex')],
    ]);
    await expectCode('INVALID_ARGUMENT', () => log.appendOwned(0xf0, new Uint8Array(1)));
    await expectCode('INVALID_ARGUMENT', () => log.appendOwned(1, 'x' as never));
    await expectCode('TOO_LARGE', () => log.appendOwned(1, new Uint8Array(log.maxRecordBytes + 1)));
    await log.close();
    await expectCode('CLOSED', () => log.appendOwned(1, new Uint8Array(1)));
    const again = openLog(fs);
    expect(readAll(again).map((r) => r.lsn)).toEqual([1, 2]);
    await again.close();
  });
});
