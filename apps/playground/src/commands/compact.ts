/**
 * `photon compact <db>`: asks the engine to compact the page file. The engine has no compaction
 * yet; rather than pretend, the command says so and exits with code 3 (UNSUPPORTED). When the
 * engine gains `compact()`, this command calls it and reports the file size before and after.
 */
import type { CommandSpec } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { fileSizes } from '../inspect.js';
import { withDatabase } from '../open-database.js';
import type { RawDB } from '../open-database.js';
import { formatBytes } from '../text-output.js';

/** The engine's compaction method, when this version has one. */
export function engineCompact(db: RawDB): (() => Promise<unknown>) | undefined {
  const method = (db as unknown as { compact?: unknown }).compact;
  return typeof method === 'function' ? () => (method as () => Promise<unknown>).call(db) : undefined;
}

export const compactCommand: CommandSpec = {
  name: 'compact',
  summary: 'Compact the page file (needs an engine with compact(); says so otherwise).',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: {},
  readOnly: false,
  async run(args, ctx) {
    const path = args.positionals[0];
    return withDatabase(path, {}, async (db) => {
      const compact = engineCompact(db);
      if (!compact) {
        ctx.stderr.write('photon compact: this version of @photondb/engine has no compact(); nothing was changed. ' +
          'Free pages are reused by later writes (see photon stat for the free page count).\n');
        return EXIT.UNSUPPORTED;
      }
      const before = fileSizes(path).dataFileBytes;
      await compact();
      await db.checkpoint();
      const after = fileSizes(path).dataFileBytes;
      ctx.stdout.write(`compacted: ${formatBytes(before)} -> ${formatBytes(after)}\n`);
      return EXIT.OK;
    });
  },
};
