/**
 * @photondb/io: the one place PhotonDB touches files. Implementations of the contracts' file
 * roles (Node files, in-memory files, and a crash simulator), the CRC-32 checksum of every page
 * and record, a process lock and failpoints. Byte-surgery helpers live in `@photondb/io/testing`.
 */
export { checksum, checksumSkipping } from './checksum.js';
export { failpoint, setFailpointHandler } from './failpoint.js';
export { NodeFileSystem } from './node-file-system.js';
export { acquireLock, isProcessAlive } from './lock.js';
export { MAX_LOCK_FILE_BYTES, encodeLockFile, decodeLockFile } from './format.js';
export type { LockHolder } from './format.js';
export { MemoryFileSystem } from './memory-file-system.js';
export { SimulatedFileSystem, isSimulatedCrash } from './simulated-file-system.js';
export type { FaultOp, FaultRule, CrashOptions, SimulatedFileSystemOptions } from './simulated-file-system.js';
export { SECTOR_BYTES } from './crash-image.js';
export type { CrashDamage } from './crash-image.js';
