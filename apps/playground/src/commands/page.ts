/** `photon page <db> <id>`: one page's header fields and a hex dump of its bytes. */
import type { CommandSpec } from '../command.js';
import { flag, intOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { checkPageId, describePage, rawPage } from '../inspect.js';
import type { PageInfo } from '../inspect.js';
import { withDatabase } from '../open-database.js';
import type { RawDB } from '../open-database.js';
import { formatFields, hexDump, toHex, toJson } from '../text-output.js';

/** A page's description and bytes. */
export interface PageReport {
  readonly page: PageInfo;
  readonly bytes: Uint8Array;
}

/** Reads one page's description and raw bytes. */
export function pageReport(db: RawDB, id: number): PageReport {
  return { page: describePage(db, id), bytes: rawPage(db, id) };
}

export const pageCommand: CommandSpec = {
  name: 'page',
  summary: 'Show one page: its header (type, version, payload, flags, checksum, fill) and a hex dump.',
  positionals: [
    { name: 'db', description: 'database directory' },
    { name: 'id', description: 'page id (see photon pages)' },
  ],
  options: {
    bytes: { type: 'string', valueName: 'n', description: 'dump at most this many bytes (default: the whole page)' },
  },
  readOnly: true,
  examples: ['photon page ./mydb 2', 'photon page ./mydb 2 --json'],
  async run(args, ctx) {
    const maxBytes = intOption(args, 'bytes', Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER, 'page');
    await withDatabase(args.positionals[0], { readOnly: true }, (db) => {
      const r = pageReport(db, checkPageId(db, args.positionals[1]));
      if (flag(args, 'json')) {
        ctx.stdout.write(toJson({ ...r.page, sizeBytes: r.bytes.length, hex: toHex(r.bytes) }) + '\n');
        return;
      }
      ctx.stdout.write(formatFields({ ...r.page, fill: `${(r.page.fill * 100).toFixed(1)}%`, checksumOk: r.page.checksumOk ? 'ok' : 'BAD' }));
      ctx.stdout.write('\n' + hexDump(r.bytes, maxBytes));
    });
    return EXIT.OK;
  },
};
