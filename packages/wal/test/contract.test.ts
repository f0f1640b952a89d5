/** WriteAheadLog runs the RedoLog contract of @photondb/contracts, on the crash simulator. */
import { describe, it } from '@jest/globals';
import type { RedoLog } from '@photondb/contracts';
import { runRedoLogContract } from '@photondb/contracts/testing';
import { SimulatedFileSystem } from '@photondb/io';
import type { CrashDamage } from '@photondb/io';
import { WriteAheadLog } from '../src/index.js';

function harness(segmentSizeBytes: number, damage: CrashDamage) {
  const systems = new WeakMap<RedoLog, SimulatedFileSystem>();
  let seed = 1;
  const open = (fs: SimulatedFileSystem): RedoLog => {
    const log = WriteAheadLog.open(fs.openDirectory('/log', { create: true }), { segmentSizeBytes });
    systems.set(log, fs);
    return log;
  };
  return {
    async create() {
      const fs = new SimulatedFileSystem({ seed: seed++ });
      fs.openDirectory('/log', { create: true });
      fs.openDirectory('/').syncSync(); // the new directory's name is durable
      return open(fs);
    },
    async reopen(log: RedoLog, { crash }: { crash: boolean }) {
      const fs = systems.get(log)!;
      if (!crash) {
        await log.close();
        return open(fs);
      }
      return open(fs.crash({ seed: seed++, damage }));
    },
  };
}

runRedoLogContract('WriteAheadLog, 4 KiB segments, torn writes', harness(4096, 'torn'), { describe, it });
runRedoLogContract('WriteAheadLog, 1 MiB segments, garbage writes', harness(1 << 20, 'garbage'), { describe, it });
