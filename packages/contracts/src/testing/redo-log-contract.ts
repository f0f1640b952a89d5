/**
 * The RedoLog contract suite: LSN order and continuity, read-back, durability across clean and
 * crash reopens (the prefix property), truncation, reserved types and closed-handle errors.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LogRecord, RedoLog } from '../redo-log.js';
import { RESERVED_RECORD_TYPE_MIN } from '../redo-log.js';
import { expectCode, fcRuns } from './test-api.js';
import type { TestApi } from './test-api.js';

/** How the suite makes and reopens logs of the implementation under test. */
export interface RedoLogHarness {
  create(): Promise<RedoLog>;
  /** Reopens `log`'s durable state: closed first, or with `crash` abandoned as a crash would. */
  reopen(log: RedoLog, options: { crash: boolean }): Promise<RedoLog>;
}

const payloadOf = (n: number, size = 8): Uint8Array => {
  const p = new Uint8Array(size);
  for (let i = 0; i < size; i++) p[i] = (n * 31 + i) & 0xff;
  return p;
};
const all = (log: RedoLog): LogRecord[] => [...log.read()];

/** Runs the RedoLog contract against `harness`. */
export function runRedoLogContract(name: string, harness: RedoLogHarness, t: TestApi): void {
  t.describe(`RedoLog contract: ${name}`, () => {
    t.it('gives strictly increasing LSNs and reads records back in order', async () => {
      const log = await harness.create();
      const lsns = [0, 1, 2, 3].map((i) => log.append(i, payloadOf(i, i * 10)));
      for (let i = 1; i < lsns.length; i++) assert.ok(lsns[i] > lsns[i - 1]);
      assert.equal(log.lastLsn, lsns[3]);
      await log.flush();
      const got = all(log);
      assert.deepEqual(got.map((r) => r.lsn), lsns);
      got.forEach((r, i) => {
        assert.equal(r.type, i);
        assert.deepEqual(r.payload, payloadOf(i, i * 10));
      });
      await log.close();
    });

    t.it('reads from an LSN', async () => {
      const log = await harness.create();
      const lsns = [0, 1, 2, 3, 4].map((i) => log.append(1, payloadOf(i)));
      await log.flush();
      assert.deepEqual([...log.read({ fromLsn: lsns[2] })].map((r) => r.lsn), lsns.slice(2));
      await log.close();
    });

    t.it('keeps records and continues LSNs after a clean reopen', async () => {
      let log = await harness.create();
      const a = log.append(1, payloadOf(1));
      const b = log.append(2, payloadOf(2));
      log = await harness.reopen(log, { crash: false });
      assert.deepEqual(all(log).map((r) => r.lsn), [a, b]);
      const c = log.append(3, payloadOf(3));
      assert.ok(c > b, `LSN ${c} after reopen is not above ${b}`);
      await log.close();
    });

    t.it('keeps every synced record across a crash', async () => {
      let log = await harness.create();
      const lsns = [1, 2, 3].map((i) => log.append(1, payloadOf(i, 100)));
      await log.flush({ sync: true });
      log = await harness.reopen(log, { crash: true });
      assert.deepEqual(all(log).map((r) => r.lsn), lsns);
      await log.close();
    });

    t.it('accepts empty payloads', async () => {
      const log = await harness.create();
      const l = log.append(0, new Uint8Array(0));
      await log.flush();
      assert.deepEqual(all(log), [{ lsn: l, type: 0, payload: new Uint8Array(0) }]);
      await log.close();
    });

    t.it('rejects reserved and invalid record types with INVALID_ARGUMENT', async () => {
      const log = await harness.create();
      await expectCode('INVALID_ARGUMENT', () => log.append(RESERVED_RECORD_TYPE_MIN, payloadOf(1)));
      await expectCode('INVALID_ARGUMENT', () => log.append(-1, payloadOf(1)));
      await expectCode('INVALID_ARGUMENT', () => log.append(1.5, payloadOf(1)));
      await expectCode('INVALID_ARGUMENT', () => log.append(1, 'text' as unknown as Uint8Array));
      assert.equal(all(log).length, 0);
      await log.close();
    });

    t.it('rejects a payload over maxRecordBytes with TOO_LARGE', async () => {
      const log = await harness.create();
      await expectCode('TOO_LARGE', () => log.append(1, new Uint8Array(log.maxRecordBytes + 1)));
      await log.close();
    });

    t.it('keeps every record at or after the truncation LSN', async () => {
      let log = await harness.create();
      const lsns = Array.from({ length: 20 }, (_, i) => log.append(1, payloadOf(i, 64)));
      await log.flush();
      await log.truncateBefore(lsns[10]);
      const kept = all(log).map((r) => r.lsn);
      assert.deepEqual(kept.slice(kept.indexOf(lsns[10])), lsns.slice(10));
      log = await harness.reopen(log, { crash: false });
      const reopened = all(log).map((r) => r.lsn);
      assert.deepEqual(reopened.slice(reopened.indexOf(lsns[10])), lsns.slice(10));
      await log.close();
    });

    t.it('fails appends and flushes after close with CLOSED', async () => {
      const log = await harness.create();
      await log.close();
      await log.close();
      await expectCode('CLOSED', () => log.append(1, payloadOf(1)));
      await expectCode('CLOSED', () => log.flush());
    });

    t.it('holds a prefix containing every synced record after random crashes', async () => {
      const step = fc.oneof(
        fc.record({ kind: fc.constant('append' as const), size: fc.nat(300) }),
        fc.record({ kind: fc.constant('flush' as const), sync: fc.boolean() }),
        fc.record({ kind: fc.constant('reopen' as const), crash: fc.boolean() }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
          let log = await harness.create();
          let appended: { lsn: number; size: number }[] = [];
          let synced = 0;
          for (const s of steps) {
            if (s.kind === 'append') {
              appended.push({ lsn: log.append(2, payloadOf(appended.length, s.size)), size: s.size });
            } else if (s.kind === 'flush') {
              await log.flush({ sync: s.sync });
              if (s.sync) synced = appended.length;
            } else {
              if (!s.crash) synced = appended.length;
              log = await harness.reopen(log, { crash: s.crash });
              const got = all(log);
              assert.ok(got.length >= synced, `lost synced records: have ${got.length}, synced ${synced}`);
              assert.ok(got.length <= appended.length);
              got.forEach((r, i) => {
                assert.equal(r.lsn, appended[i].lsn);
                assert.equal(r.payload.length, appended[i].size);
              });
              appended = appended.slice(0, got.length);
              synced = got.length;
              const next = log.append(2, payloadOf(99, 1));
              assert.ok(appended.length === 0 || next > appended[appended.length - 1].lsn);
              appended.push({ lsn: next, size: 1 });
            }
          }
          await log.close();
        }),
        { numRuns: fcRuns(25) },
      );
    }, 60_000);
  });
}
