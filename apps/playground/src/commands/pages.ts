/** `photon pages <db>`: one line per page of the page file (type, version, fill, checksum). */
import type { CommandSpec } from '../command.js';
import { flag, intOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { describePages, pageCount } from '../inspect.js';
import type { PageInfo } from '../inspect.js';
import { withDatabase } from '../open-database.js';
import { formatNumber, formatTable, toJson } from '../text-output.js';

/** Pages grouped by type, for the summary line. */
export function countByType(pages: readonly PageInfo[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of pages) counts[p.type] = (counts[p.type] ?? 0) + 1;
  return counts;
}

/** The text table of `photon pages`. */
export function formatPages(pages: readonly PageInfo[], total: number): string {
  const table = formatTable(pages, [
    { header: 'id', value: (p) => String(p.id), align: 'right' },
    { header: 'type', value: (p) => p.type },
    { header: 'version', value: (p) => String(p.version), align: 'right' },
    { header: 'payload', value: (p) => formatNumber(p.payloadBytes), align: 'right' },
    { header: 'fill', value: (p) => `${Math.round(p.fill * 100)}%`, align: 'right' },
    { header: 'flags', value: (p) => (p.compressed ? 'snappy' : '') + (p.flags & ~1 ? ` 0x${p.flags.toString(16)}` : '') },
    { header: 'checksum', value: (p) => (p.checksumOk ? 'ok' : 'BAD') },
  ]);
  const summary = Object.entries(countByType(pages)).map(([t, n]) => `${formatNumber(n)} ${t}`).join(', ');
  const shown = pages.length < total ? ` (showing ${formatNumber(pages.length)} of ${formatNumber(total)})` : '';
  return `${table}\n${formatNumber(total)} pages${shown}: ${summary}\n`;
}

export const pagesCommand: CommandSpec = {
  name: 'pages',
  summary: 'List the pages of the page file with their type, version, fill and checksum state.',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: {
    from: { type: 'string', valueName: 'id', description: 'first page id', default: '0' },
    limit: { type: 'string', valueName: 'n', description: 'at most this many pages (default all)' },
  },
  readOnly: true,
  examples: ['photon pages ./mydb --limit 20', 'photon pages ./mydb --json'],
  async run(args, ctx) {
    const from = intOption(args, 'from', 0, 0, Number.MAX_SAFE_INTEGER, 'pages');
    const limit = intOption(args, 'limit', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER, 'pages');
    await withDatabase(args.positionals[0], { readOnly: true }, (db) => {
      const pages = describePages(db, from, limit);
      const total = pageCount(db);
      ctx.stdout.write(flag(args, 'json') ? toJson({ pageCount: total, pages }) + '\n' : formatPages(pages, total));
    });
    return EXIT.OK;
  },
};
