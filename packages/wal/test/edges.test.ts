/**
 * Edge cases of the log that the main suites do not reach: appends racing close(), syncs
 * overtaken by a rotation, failures that are not PhotonErrors, records larger than the staging
 * buffer, LSN exhaustion, crafted segment headers, a segment cut short under an open log,
 * read-only opens of an empty directory, and the R3 mutants seen from the log's own power-loss
 * check (each removed sync must lose an acknowledged record).
 */
import { describe, expect, it } from '@jest/globals';
import { setMutants } from '@photondb/contracts';
import type { Directory, LogRecord } from '@photondb/contracts';
import { expectCode } from '@photondb/contracts/testing';
import { MemoryFileSystem } from '@photondb/io';
import type { SimulatedFileSystem } from '@photondb/io';
import { withFailpoints } from '@photondb/io/testing';
import { encodeSegmentHeader } from '../src/format.js';
import { FIRST_RECORD_OFFSET, WriteAheadLog, inspectLog, segmentFileName } from '../src/index.js';
import type { WriteAheadLogOptions } from '../src/index.js';
import { LOG_PATH, newFileSystem, openLog, payloadOf, powerLoss, readAll } from './helpers/logs.js';

/** The error `fn` throws or rejects with (fails the test when it does not). */
async function caught(fn: () => unknown): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected an error, but nothing was thrown');
}

/** Runs `action` once, in a microtask queued just before the log's next group datasync is issued. */
function onNextGroupSync(action: () => void): Record<string, () => void> {
  let armed = true;
  return {
    'wal:before-datasync': () => {
      if (!armed) return;
      armed = false;
      // The datasync is issued right after this handler returns; the microtask runs once the
      // sync is in flight (its effect applied, its completion not yet seen by the log).
      queueMicrotask(action);
    },
  };
}

/** Writes a segment file with a crafted header into `dir` (preallocated like a real one). */
function writeSegment(dir: Directory, name: string, header: Uint8Array, sizeBytes = 4096): void {
  const file = dir.openFile(name, { create: true });
  try {
    file.write(0, header);
    file.truncate(sizeBytes);
  } finally {
    file.close();
  }
}

describe('WriteAheadLog: appends racing close()', () => {
  it('does not acknowledge a record appended while close() runs when the sync that would cover it fails', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    log.append(1, payloadOf(1, 10));
    const outcome: { closed?: string; late?: string } = {};
    let closing: Promise<void> = Promise.resolve();
    let late: Promise<void> = Promise.resolve();
    await withFailpoints(
      onNextGroupSync(() => {
        closing = log.close().then(() => void (outcome.closed = 'ok'), (e: { code?: string }) => void (outcome.closed = e.code));
        log.append(2, payloadOf(2, 10));
        late = log.flush().then(() => void (outcome.late = 'ok'), (e: { code?: string }) => void (outcome.late = e.code));
        fs.addFault({ op: 'datasync' }); // the next datasync after the one in flight fails
      }),
      async () => {
        await log.flush();
        await closing;
        await late;
      },
    );
    expect(outcome).toEqual({ closed: 'IO', late: 'IO' });
    const reopened = openLog(powerLoss(fs, 1, 'drop'));
    expect(readAll(reopened).map((r) => r.lsn)).toEqual([1]);
    expect(reopened.recovery.cleanShutdown).toBe(false);
    await reopened.close();
  });

  it('makes a record appended while close() runs durable before the closing marker', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    log.append(1, payloadOf(1, 10));
    let closing: Promise<void> = Promise.resolve();
    let late: Promise<void> = Promise.resolve();
    await withFailpoints(
      onNextGroupSync(() => {
        closing = log.close();
        log.append(2, payloadOf(2, 20));
        late = log.flush();
      }),
      async () => {
        await log.flush();
        await Promise.all([closing, late]);
      },
    );
    const reopened = openLog(powerLoss(fs, 2, 'drop'));
    expect(readAll(reopened)).toEqual([
      { lsn: 1, type: 1, payload: payloadOf(1, 10) },
      { lsn: 2, type: 2, payload: payloadOf(2, 20) },
    ]);
    expect(reopened.recovery.cleanShutdown).toBe(true);
    await reopened.close();
  });
});

describe('WriteAheadLog: syncs, rotations and failures', () => {
  it('keeps durableLsn and recordsPerSync sane when a rotation overtakes a group sync in flight', async () => {
    const fs = newFileSystem();
    const log = openLog(fs, { segmentSizeBytes: 4096 });
    log.append(1, payloadOf(1, 10));
    await withFailpoints(
      onNextGroupSync(() => {
        // Five 1000-byte records do not fit in the 4 KiB segment: the write rotates, and the
        // rotation's seal makes LSNs up to 5 durable before the datasync in flight returns.
        for (let i = 2; i <= 6; i++) log.append(1, payloadOf(i, 1000));
        void log.flush({ sync: false });
      }),
      () => log.flush(),
    );
    // Segment 1 holds LSNs 1-3; its seal made them durable while the sync covering LSN 1 ran.
    expect(inspectLog(fs.openDirectory(LOG_PATH)).segments.map((x) => x.records)).toEqual([3, 3]);
    const s = log.stats();
    expect(s.durableLsn).toBe(3);
    expect(s.recordsPerSync).toBe(0); // the overtaken sync made no record durable itself
    await log.flush();
    expect(log.stats().durableLsn).toBe(6);
    expect(log.stats().recordsPerSync).toBe(1.5); // LSNs 4-6 over two group syncs
    await log.close();
  });

  it('reports the first I/O failure to every later call when a sync fails after a write already did', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    log.append(1, payloadOf(1, 10));
    fs.addFault({ op: 'datasync' });
    const failure = await caught(() =>
      withFailpoints(
        onNextGroupSync(() => {
          fs.addFault({ op: 'write' });
          log.append(1, payloadOf(2, 10));
          void log.flush({ sync: false }).catch(() => undefined);
        }),
        () => log.flush(),
      ),
    );
    expect(failure.code).toBe('IO');
    expect(failure.message).toMatch(/failed to write/);
    expect(await caught(() => log.append(1, payloadOf(3, 1)))).toBe(failure);
    expect(await caught(() => log.flush())).toBe(failure);
    await log.close();
  });

  it('turns a failure that is not a PhotonError (an Error or a bare value) into a typed IO error naming it', async () => {
    for (const [thrown, text] of [[new Error('power cut'), 'power cut'], ['bare string', 'bare string']] as const) {
      const fs = newFileSystem();
      const log = openLog(fs);
      log.append(1, payloadOf(1, 10));
      const failure = await caught(() =>
        withFailpoints({ 'wal:before-datasync': () => { throw thrown; } }, () => log.flush()),
      );
      expect(failure.code).toBe('IO');
      expect(failure.message).toContain('failed to sync');
      expect(failure.message).toContain(text);
      expect(failure.cause).toBe(thrown);
      await expectCode('IO', () => log.append(1, payloadOf(2, 1)));
      await log.close();
      // Nothing was acknowledged, and the record written to the OS is still readable after a reopen.
      const reopened = openLog(fs);
      expect(readAll(reopened).map((r) => r.lsn)).toEqual([1]);
      await reopened.close();
    }
  });

  it('writes records larger than its 64 KiB staging buffer, alone and in batches, and reads them back', async () => {
    const fs = newFileSystem();
    const options: WriteAheadLogOptions = { segmentSizeBytes: 1 << 20, maxRecordBytes: 200_000 };
    let log = openLog(fs, options);
    const sizes = [70_000, 40_000, 40_000, 10, 100_000];
    sizes.forEach((size, i) => log.append(i % 3, payloadOf(i, size)));
    await log.flush();
    // Byte comparison through Buffer: jest's element-by-element diff is slow on 100 KB arrays.
    const summary = (records: LogRecord[]) => records.map((r) => `${r.lsn}/${r.type}/${Buffer.from(r.payload).toString('base64')}`);
    const expected = sizes.map((size, i) => `${i + 1}/${i % 3}/${Buffer.from(payloadOf(i, size)).toString('base64')}`);
    expect(summary(readAll(log)).join() === expected.join()).toBe(true);
    await log.close();
    log = openLog(fs, options);
    expect(summary(readAll(log)).join() === expected.join()).toBe(true);
    expect(log.recovery).toMatchObject({ cleanShutdown: true, records: 5 });
    await log.close();
  });

  it('reports CORRUPTION naming the segment when a segment file is cut short under the open log', async () => {
    const fs = newFileSystem();
    const log = openLog(fs);
    for (let i = 0; i < 4; i++) log.append(1, payloadOf(i, 200));
    await log.flush();
    const file = fs.openDirectory(LOG_PATH).openFile(segmentFileName(1));
    file.truncate(FIRST_RECORD_OFFSET + 100);
    file.close();
    const error = await caught(() => readAll(log));
    expect(error.code).toBe('CORRUPTION');
    expect(error.message).toContain(`${LOG_PATH}/${segmentFileName(1)}`);
    await log.close();
  });
});

describe('WriteAheadLog: LSN limits and crafted segment headers', () => {
  it('refuses an append past LSN 2^53 - 2 with TOO_LARGE and keeps the records before it', async () => {
    const fs = new MemoryFileSystem();
    const dir = fs.openDirectory(LOG_PATH, { create: true });
    const firstLsn = Number.MAX_SAFE_INTEGER - 2;
    writeSegment(dir, segmentFileName(1), encodeSegmentHeader({ salt: 7, segmentNo: 1, firstLsn }));
    let log = WriteAheadLog.open(dir, { segmentSizeBytes: 4096 });
    expect(log.firstLsn).toBe(firstLsn);
    expect(log.append(1, payloadOf(1, 5))).toBe(firstLsn);
    expect(log.append(1, payloadOf(2, 5))).toBe(Number.MAX_SAFE_INTEGER - 1);
    const error = await caught(() => log.append(1, payloadOf(3, 5)));
    expect(error.code).toBe('TOO_LARGE');
    expect((error as { lsn?: number }).lsn).toBe(Number.MAX_SAFE_INTEGER);
    await log.close();
    log = WriteAheadLog.open(dir, { segmentSizeBytes: 4096 });
    expect(readAll(log).map((r) => r.lsn)).toEqual([firstLsn, Number.MAX_SAFE_INTEGER - 1]);
    await expectCode('TOO_LARGE', () => log.append(1, payloadOf(4, 1)));
    await log.close();
  });

  const badHeaders: [string, { segmentNo: number; firstLsn: number }, RegExp][] = [
    ['segment number 0', { segmentNo: 0, firstLsn: 1 }, /segment number 0 is outside/],
    ['first LSN 0', { segmentNo: 1, firstLsn: 0 }, /first LSN 0 is outside/],
    ['first LSN 2^53 - 1', { segmentNo: 1, firstLsn: Number.MAX_SAFE_INTEGER }, /first LSN \d+ is outside/],
  ];
  for (const [what, fields, message] of badHeaders) {
    it(`refuses a segment whose checksummed header has ${what} with CORRUPTION, and inspectLog reports it`, async () => {
      const fs = new MemoryFileSystem();
      const dir = fs.openDirectory(LOG_PATH, { create: true });
      writeSegment(dir, segmentFileName(1), encodeSegmentHeader({ salt: 1, ...fields }));
      const error = await caught(() => WriteAheadLog.open(dir));
      expect(error.code).toBe('CORRUPTION');
      expect(error.message).toMatch(message);
      expect(inspectLog(dir).corruption).toMatchObject({ segment: 1, offset: 0 });
      // The failed open released the lock: a second attempt fails the same way, not with LOCKED.
      await expectCode('CORRUPTION', () => WriteAheadLog.open(dir));
    });
  }
});

describe('WriteAheadLog: options and read-only opens', () => {
  it('rejects options that are not an object with INVALID_ARGUMENT before creating anything', async () => {
    for (const options of [null, 5, 'segmentSizeBytes', true]) {
      const fs = newFileSystem();
      const dir = fs.openDirectory(LOG_PATH);
      await expectCode('INVALID_ARGUMENT', () => WriteAheadLog.open(dir, options as never));
      expect(dir.list()).toEqual([]);
    }
  });

  it('opens an empty directory read-only without creating a segment: firstLsn 1, lastLsn 0, no records', async () => {
    const fs = newFileSystem();
    const dir = fs.openDirectory(LOG_PATH);
    const log = WriteAheadLog.open(dir, { readOnly: true });
    expect(log.recovery).toMatchObject({ created: false, cleanShutdown: true, segments: 0, records: 0 });
    expect(log.firstLsn).toBe(1);
    expect(log.lastLsn).toBe(0);
    expect(readAll(log)).toEqual([]);
    await expectCode('READ_ONLY', () => log.append(1, payloadOf(1, 1)));
    await log.flush();
    await log.close();
    expect(dir.list()).toEqual([]);
  });
});

/** Appends, syncs, rotates across segments and closes; returns how many records close() acknowledged. */
async function durableWorkload(fs: SimulatedFileSystem): Promise<number> {
  const log = openLog(fs, { segmentSizeBytes: 4096 });
  for (let i = 0; i < 12; i++) {
    log.append(1, payloadOf(i, 700));
    if (i % 3 === 2) await log.flush({ sync: true });
  }
  await log.close();
  expect(log.stats().segments).toBeGreaterThan(1);
  return 12;
}

/**
 * The power-loss check: after a crash that drops every unsynced write and namespace change, the
 * log must open and hold all `acknowledged` records. Returns what went wrong, or undefined.
 */
function powerLossProblem(fs: SimulatedFileSystem, acknowledged: number): string | undefined {
  let log: WriteAheadLog;
  try {
    log = openLog(powerLoss(fs, 3, 'drop'));
  } catch (e) {
    return `open failed: ${(e as Error).message}`;
  }
  const held = readAll(log).length;
  void log.close();
  return held === acknowledged ? undefined : `${acknowledged - held} of ${acknowledged} acknowledged records lost`;
}

describe('WriteAheadLog: the R3 mutants, seen by the log alone', () => {
  it('keeps every acknowledged record through a power loss when no mutant is on', async () => {
    const fs = newFileSystem();
    expect(powerLossProblem(fs, await durableWorkload(fs))).toBeUndefined();
  });

  for (const mutant of ['wal-skip-datasync', 'wal-skip-dir-sync']) {
    it(`fails the power-loss check with the ${mutant} mutant on`, async () => {
      setMutants([mutant]);
      try {
        const fs = newFileSystem();
        expect(powerLossProblem(fs, await durableWorkload(fs))).toEqual(expect.any(String));
      } finally {
        setMutants([]);
      }
    });
  }
});
