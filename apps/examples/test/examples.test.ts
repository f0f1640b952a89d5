import { describe, expect, it } from '@jest/globals';
import { main as memoryMap } from '../src/01-memory-map.js';
import { main as durableBtree } from '../src/02-durable-btree.js';
import { main as eventLog } from '../src/03-event-log.js';
import { main as customFileSystem } from '../src/04-custom-file-system.js';
import { main as compoundKeys } from '../src/05-compound-keys.js';

const quiet = (): void => {};

describe('examples', () => {
  it('01 keeps fruit in byte order and scans both ways', async () => {
    expect(await memoryMap(quiet)).toEqual(['banana=yellow', 'cherry=red', 'cherry', 'banana']);
  });

  it('02 reads back what was checkpointed after a reopen', async () => {
    expect(await durableBtree(quiet)).toEqual(['1764', '10']);
  });

  it('03 replays every event and shares fsyncs between writers', async () => {
    expect(await eventLog(quiet)).toEqual(['50', String(10 * (49 * 50) / 2), 'true']);
  });

  it('04 runs the engine over a counting FileSystem that sees its writes and syncs', async () => {
    expect(await customFileSystem(quiet)).toEqual([JSON.stringify({ n: 7, note: 'updated' }), 'true', 'true']);
  });

  it('05 sorts compound keys by bytes as by value and turns a prefix into a range', async () => {
    expect(await compoundKeys(quiet)).toEqual(['true', JSON.stringify(['customer', 7, 'order', 2]), JSON.stringify(['customer', 7, 'order', 12])]);
  });
});
