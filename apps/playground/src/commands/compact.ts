/**
 * `photon compact <db>`: rewrites the database densely into a new page file (the engine's
 * `compact()`) and reports the data file's size and page count before and after.
 */
import type { CommandSpec } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { fileSizes } from '../inspect.js';
import { withDatabase } from '../open-database.js';
import { formatBytes, formatNumber } from '../text-output.js';

export const compactCommand: CommandSpec = {
  name: 'compact',
  summary: 'Rewrite the page file densely and give free space back to the file system.',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: {},
  readOnly: false,
  async run(args, ctx) {
    const path = args.positionals[0];
    return withDatabase(path, {}, async (db) => {
      const before = fileSizes(path).dataFileBytes;
      const report = await db.compact();
      const after = fileSizes(path).dataFileBytes;
      ctx.stdout.write(
        `compacted: ${formatBytes(before)} -> ${formatBytes(after)} (${formatNumber(report.pagesBefore)} -> ${formatNumber(report.pagesAfter)} pages)\n`,
      );
      return EXIT.OK;
    });
  },
};
