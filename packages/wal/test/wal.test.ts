/** Unit tests of WriteAheadLog: rotation, replay, torn tails, corruption, the closing marker, LSNs, group commit, errors. */
import { describe, expect, it } from '@jest/globals';
import { expectCode } from '@photondb/contracts/testing';
import { MemoryFileSystem } from '@photondb/io';
import { flipBit, readAllBytes, setByte } from '@photondb/io/testing';
import { FIRST_RECORD_OFFSET, WriteAheadLog, inspectLog, segmentFileName } from '../src/index.js';
import { LOG_PATH, newFileSystem, openLog, payloadOf, powerLoss, readAll } from './helpers/logs.js';

describe('WriteAheadLog', () => {
  it('creates a log with one segment, reports a clean start, and reads back what it appended', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    expect(log.recovery).toMatchObject({ created: true, cleanShutdown: true, segments: 0, records: 0 });
    expect(log.lastLsn).toBe(0);
    const a = log.append(1, payloadOf(1, 10));
    const b = log.append(7, payloadOf(2, 0));
    expect([a, b]).toEqual([1, 2]);
    expect(readAll(log)).toEqual([
      { lsn: 1, type: 1, payload: payloadOf(1, 10) },
      { lsn: 2, type: 7, payload: new Uint8Array(0) },
    ]);
    await log.close();
    expect(fs.openDirectory(LOG_PATH).list()).toEqual(['0000000000000001.wal', 'LOCK'].filter((n) => fs.openDirectory(LOG_PATH).exists(n)));
  });

  it('copies the payload at append, so later changes by the caller are not logged', async () => {
    const log = openLog(newFileSystem());
    const p = payloadOf(1, 4);
    log.append(1, p);
    p.fill(0);
    expect(readAll(log)[0].payload).toEqual(payloadOf(1, 4));
    await log.close();
  });

  it('rotates to new segments when one is full and keeps LSNs continuous across them', async () => {
    const fs = newFileSystem();
    let log = openLog(fs);
    const sizes = Array.from({ length: 200 }, (_, i) => (i * 37) % 300);
    for (const [i, size] of sizes.entries()) {
      log.append(i % 5, payloadOf(i, size));
      if (i % 17 === 0) await log.flush();
    }
    await log.flush();
    expect(log.stats().segments).toBeGreaterThan(5);
    log = await reopen(log, fs);
    const got = readAll(log);
    expect(got.map((r) => r.lsn)).toEqual(sizes.map((_, i) => i + 1));
    got.forEach((r, i) => expect(r.payload).toEqual(payloadOf(i, sizes[i])));
    const report = inspectLog(fs.openDirectory(LOG_PATH));
    expect(report.segments.map((s) => s.segmentNo)).toEqual(report.segments.map((_, i) => i + 1));
    expect(report.records.length).toBe(200);
    await log.close();
  });

  it('gives a record larger than a segment a segment of its own', async () => {
    const fs = newFileSystem();
    let log = openLog(fs, { segmentSizeBytes: 4096, maxRecordBytes: 100_000 });
    log.append(1, payloadOf(1, 10));
    log.append(2, payloadOf(2, 50_000));
    log.append(3, payloadOf(3, 10));
    await log.flush();
    log = await reopen(log, fs);
    expect(readAll(log).map((r) => r.payload.length)).toEqual([10, 50_000, 10]);
    expect(readAll(log)[1].payload).toEqual(payloadOf(2, 50_000));
    const sizes = inspectLog(fs.openDirectory(LOG_PATH)).segments.map((s) => s.capacityBytes);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(50_000);
    await log.close();
  });

  it('reads from an LSN, skipping whole segments below it', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    for (let i = 0; i < 100; i++) log.append(1, payloadOf(i, 200));
    await log.flush();
    expect([...log.read({ fromLsn: 95 as never })].map((r) => r.lsn)).toEqual([95, 96, 97, 98, 99, 100]);
    expect([...log.read({ fromLsn: 1000 as never })]).toEqual([]);
    await log.close();
  });

  it('writes a closing marker on close, and reports an unclean shutdown when there was none', async () => {
    const fs = newFileSystem();
    let log = openLog(fs);
    log.append(1, payloadOf(1, 5));
    await log.close();
    log = openLog(fs);
    expect(log.recovery.cleanShutdown).toBe(true);
    expect(log.recovery.records).toBe(1);
    log.append(1, payloadOf(2, 5));
    await log.flush();
    const crashed = powerLoss(fs, 1, 'drop');
    log = openLog(crashed);
    expect(log.recovery.cleanShutdown).toBe(false);
    expect(readAll(log).map((r) => r.lsn)).toEqual([1, 2]);
    await log.close();
    expect(openLog(crashed).recovery.cleanShutdown).toBe(true);
  });

  it('continues LSNs after a reopen even when truncation removed every record', async () => {
    const fs = newFileSystem();
    let log = openLog(fs);
    for (let i = 0; i < 50; i++) log.append(1, payloadOf(i, 100));
    await log.flush();
    await log.truncateBefore(51 as never);
    expect(readAll(log)).toEqual([]);
    log = await reopen(log, fs);
    expect(log.lastLsn).toBe(50);
    expect(log.append(1, payloadOf(0, 1))).toBe(51);
    await log.close();
  });

  it('truncates whole segments below an LSN and keeps every record at or after it', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    for (let i = 0; i < 120; i++) log.append(1, payloadOf(i, 150));
    await log.flush();
    const before = log.stats().segments;
    await log.truncateBefore(60 as never);
    expect(log.stats().segments).toBeLessThan(before);
    const lsns = readAll(log).map((r) => r.lsn);
    expect(lsns[0]).toBeLessThanOrEqual(60);
    expect(lsns.slice(lsns.indexOf(60 as never))).toEqual(Array.from({ length: 61 }, (_, i) => 60 + i));
    await log.close();
  });

  it('reports and cuts a torn tail, then appends after it', async () => {
    const fs = newFileSystem();
    let log = openLog(fs, { segmentSizeBytes: 64 * 1024 });
    log.append(1, payloadOf(1, 100));
    await log.flush();
    log.append(1, payloadOf(2, 3000));
    await log.flush({ sync: false });
    // The second record is in the OS but not synced: tear it.
    const dir = fs.openDirectory(LOG_PATH);
    const file = dir.openFile(segmentFileName(1));
    setByte(file, FIRST_RECORD_OFFSET + 512 + 1000, 0x55);
    file.close();
    const crashed = powerLoss(fs, 3, 'torn');
    log = openLog(crashed, { segmentSizeBytes: 64 * 1024 });
    expect(log.recovery.tornTail).toMatchObject({ afterLsn: 1, segment: 1 });
    expect(log.recovery.tornTail!.bytesDropped).toBeGreaterThan(0);
    expect(readAll(log).map((r) => r.lsn)).toEqual([1]);
    expect(log.append(1, payloadOf(3, 10))).toBe(2);
    await log.close();
    log = openLog(crashed, { segmentSizeBytes: 64 * 1024 });
    expect(log.recovery.tornTail).toBeUndefined();
    expect(readAll(log).map((r) => r.payload)).toEqual([payloadOf(1, 100), payloadOf(3, 10)]);
    await log.close();
  });

  it('fails with CORRUPTION naming segment and offset when damage is followed by records written after it was durable', async () => {
    const fs = newFileSystem();
    const log = openLog(fs, { segmentSizeBytes: 64 * 1024 });
    for (let i = 1; i <= 5; i++) {
      log.append(1, payloadOf(i, 100));
      await log.flush();
    }
    await log.close();
    const file = fs.openDirectory(LOG_PATH).openFile(segmentFileName(1));
    flipBit(file, (FIRST_RECORD_OFFSET + 40) * 8); // inside record 1's payload
    file.close();
    let caught: unknown;
    try {
      openLog(fs, { segmentSizeBytes: 64 * 1024 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'CORRUPTION', offset: FIRST_RECORD_OFFSET, path: `${LOG_PATH}/${segmentFileName(1)}` });
    const salvage = WriteAheadLog.open(fs.openDirectory(LOG_PATH), { salvage: true });
    expect(salvage.recovery.corruption).toMatchObject({ segment: 1, offset: FIRST_RECORD_OFFSET });
    expect(readAll(salvage)).toEqual([]);
    await salvage.close();
    expect(inspectLog(fs.openDirectory(LOG_PATH)).corruption).toBeDefined();
  });

  it('detects damage in a sealed segment as CORRUPTION', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    for (let i = 0; i < 60; i++) log.append(1, payloadOf(i, 200));
    await log.close();
    const file = fs.openDirectory(LOG_PATH).openFile(segmentFileName(1));
    flipBit(file, (FIRST_RECORD_OFFSET + 300) * 8 + 3);
    file.close();
    await expectCode('CORRUPTION', () => openLog(fs));
  });

  it('detects a missing middle segment as CORRUPTION', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    for (let i = 0; i < 60; i++) log.append(1, payloadOf(i, 200));
    await log.close();
    fs.openDirectory(LOG_PATH).remove(segmentFileName(2));
    await expectCode('CORRUPTION', () => openLog(fs));
  });

  it('detects a bit flip after open when reading, instead of returning the data', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    log.append(1, payloadOf(1, 100));
    await log.flush();
    const file = fs.openDirectory(LOG_PATH).openFile(segmentFileName(1));
    flipBit(file, (FIRST_RECORD_OFFSET + 50) * 8);
    file.close();
    await expectCode('CORRUPTION', () => readAll(log));
    await log.close();
  });

  it('shares syncs between concurrent committers (group commit)', async () => {
    const log = openLog(newFileSystem(), { segmentSizeBytes: 1 << 20 });
    const commits = Array.from({ length: 64 }, async (_, i) => {
      log.append(1, payloadOf(i, 50));
      await log.flush({ sync: true });
    });
    await Promise.all(commits);
    const s = log.stats();
    expect(s.syncs).toBeLessThanOrEqual(3);
    expect(s.recordsPerSync).toBeGreaterThanOrEqual(20);
    expect(s.durableLsn).toBe(64);
    await log.close();
  });

  it('does not sync for flush({ sync: false }) and syncs once for flush()', async () => {
    const log = openLog(newFileSystem());
    log.append(1, payloadOf(1, 5));
    await log.flush({ sync: false });
    expect(log.stats().syncs).toBe(0);
    await log.flush();
    expect(log.stats().syncs).toBe(1);
    await log.flush();
    expect(log.stats().syncs).toBe(1);
    await log.close();
  });

  it('takes the directory lock: a second writer gets LOCKED, a reader does not', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    await expectCode('LOCKED', () => openLog(fs));
    const reader = openLog(fs, { readOnly: true });
    await reader.close();
    await log.close();
    await openLog(fs).close();
  });

  it('opens read-only without changing anything, and refuses appends with READ_ONLY', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    log.append(1, payloadOf(1, 5));
    await log.flush();
    const crashed = powerLoss(fs, 1, 'drop');
    const before = crashed.openDirectory(LOG_PATH).list();
    const bytes = readAllBytes(crashed.openDirectory(LOG_PATH).openFile(segmentFileName(1), { readOnly: true }));
    const ro = openLog(crashed, { readOnly: true });
    expect(readAll(ro).map((r) => r.lsn)).toEqual([1]);
    await expectCode('READ_ONLY', () => ro.append(1, payloadOf(1, 1)));
    await expectCode('READ_ONLY', () => ro.truncateBefore(1 as never));
    await ro.close();
    expect(crashed.openDirectory(LOG_PATH).list()).toEqual(before);
    expect(readAllBytes(crashed.openDirectory(LOG_PATH).openFile(segmentFileName(1), { readOnly: true }))).toEqual(bytes);
  });

  it('rejects bad options with INVALID_ARGUMENT before creating anything', async () => {
    const fs = new MemoryFileSystem();
    const dir = fs.openDirectory('/x', { create: true });
    for (const options of [
      { segmentSizeBytes: 100 },
      { segmentSizeBytes: 4096.5 },
      { segmentSizeBytes: '1M' },
      { maxRecordBytes: -1 },
      { readOnly: 'yes' },
      { segmentSize: 4096 },
    ]) {
      await expectCode('INVALID_ARGUMENT', () => WriteAheadLog.open(dir, options as never));
    }
    expect(dir.list()).toEqual([]);
  });

  it('rejects bad appends with typed errors and logs nothing for them', async () => {
    const log = openLog(newFileSystem(), { maxRecordBytes: 1000 });
    await expectCode('TOO_LARGE', () => log.append(1, new Uint8Array(1001)));
    await expectCode('INVALID_ARGUMENT', () => log.append(0xf0, new Uint8Array(1)));
    await expectCode('INVALID_ARGUMENT', () => log.append(1, [1, 2] as never));
    await expectCode('INVALID_ARGUMENT', () => log.append('1' as never, new Uint8Array(1)));
    await expectCode('INVALID_ARGUMENT', () => log.flush({ sync: 'yes' as never }));
    await expectCode('INVALID_ARGUMENT', () => log.read({ fromLsn: -1 as never }));
    expect(log.lastLsn).toBe(0);
    expect(log.append(1, new Uint8Array(1000))).toBe(1);
    await log.close();
    await expectCode('CLOSED', () => log.append(1, new Uint8Array(1)));
    await expectCode('CLOSED', () => log.flush());
    await expectCode('CLOSED', () => log.read());
    await expectCode('CLOSED', () => log.truncateBefore(1 as never));
  });

  it('rejects a segment of a newer format with UNSUPPORTED_VERSION', async () => {
    const fs = newFileSystem();
    await openLog(fs).close();
    const file = fs.openDirectory(LOG_PATH).openFile(segmentFileName(1));
    const header = readAllBytes(file).subarray(0, 48);
    const view = new DataView(header.buffer, header.byteOffset, 48);
    view.setUint32(8, 9, true);
    const { checksum } = await import('@photondb/io');
    view.setUint32(44, checksum(header.subarray(0, 44)), true);
    file.write(0, header);
    file.close();
    await expectCode('UNSUPPORTED_VERSION', () => openLog(fs));
  });

  it('removes a left-over temporary segment from an interrupted creation', async () => {
    const fs = newFileSystem();
    await openLog(fs).close();
    const dir = fs.openDirectory(LOG_PATH);
    dir.openFile('0000000000000002.wal.tmp', { create: true }).close();
    const log = openLog(fs);
    expect(dir.exists('0000000000000002.wal.tmp')).toBe(false);
    await log.close();
  });

  it('describes segments and records with inspectLog without changing the directory', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    log.append(3, payloadOf(1, 10));
    log.append(4, payloadOf(2, 20));
    await log.close();
    const report = inspectLog(fs.openDirectory(LOG_PATH));
    expect(report.cleanShutdown).toBe(true);
    expect(report.lastLsn).toBe(2);
    expect(report.records).toEqual([
      { lsn: 1, type: 3, length: 10, segment: 1, offset: FIRST_RECORD_OFFSET },
      { lsn: 2, type: 4, length: 20, segment: 1, offset: FIRST_RECORD_OFFSET + 48 },
    ]);
    expect(report.segments).toEqual([expect.objectContaining({ name: segmentFileName(1), segmentNo: 1, firstLsn: 1, records: 2 })]);
  });
});

async function reopen(log: WriteAheadLog, fs: ReturnType<typeof newFileSystem>): Promise<WriteAheadLog> {
  await log.close();
  return openLog(fs);
}

describe('Buffer inputs', () => {
  it('copies a Buffer payload at append, although Buffer.slice would only make a view', async () => {
    const log = openLog(newFileSystem());
    const payload = Buffer.from('original');
    log.append(1, payload);
    payload.write('CHANGED!');
    await log.flush();
    expect(Buffer.from(readAll(log)[0].payload).toString()).toBe('original');
    await log.close();
  });
});
