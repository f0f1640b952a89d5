/** Test helpers: logs on simulated file systems, payload makers, reading everything back. */
import type { LogRecord } from '@photondb/contracts';
import { SimulatedFileSystem } from '@photondb/io';
import type { CrashDamage } from '@photondb/io';
import { WriteAheadLog } from '../../src/index.js';
import type { WriteAheadLogOptions } from '../../src/index.js';

export const LOG_PATH = '/db/wal';

/** A deterministic payload for record number `n`. */
export function payloadOf(n: number, size: number): Uint8Array {
  const p = new Uint8Array(size);
  for (let i = 0; i < size; i++) p[i] = (n * 131 + i * 7 + 1) & 0xff;
  return p;
}

/** A simulated file system with the (durable) empty log directory. */
export function newFileSystem(seed = 1): SimulatedFileSystem {
  const fs = new SimulatedFileSystem({ seed });
  fs.openDirectory(LOG_PATH, { create: true });
  fs.openDirectory('/db').syncSync();
  fs.openDirectory('/').syncSync();
  return fs;
}

export function openLog(fs: SimulatedFileSystem, options: WriteAheadLogOptions = {}): WriteAheadLog {
  return WriteAheadLog.open(fs.openDirectory(LOG_PATH, { create: true }), { segmentSizeBytes: 4096, ...options });
}

export function readAll(log: WriteAheadLog): LogRecord[] {
  return [...log.read()];
}

/** Power loss now: the file system the machine would boot with. */
export function powerLoss(fs: SimulatedFileSystem, seed: number, damage: CrashDamage | boolean = 'torn'): SimulatedFileSystem {
  return fs.crash({ seed, damage });
}

export { SimulatedFileSystem };
