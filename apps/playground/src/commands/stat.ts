/** `photon stat <db>`: engine statistics, recovery report, tables and file sizes. */
import type { CommandSpec } from '../command.js';
import { flag } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { statReport } from '../inspect.js';
import type { StatReport } from '../inspect.js';
import { withDatabase } from '../open-database.js';
import { formatBytes, formatFields, formatNumber, formatTable, toJson } from '../text-output.js';

/** The text form of a stat report. */
export function formatStat(r: StatReport): string {
  const s = r.stats;
  const out = [
    `database ${r.path}\n`,
    formatFields({
      entries: s.entries,
      tables: s.tables,
      'tree depth': s.treeDepth,
      'page size': formatBytes(s.pageSizeBytes),
      pages: `${formatNumber(s.pageCount)} (${formatNumber(s.freePages)} free)`,
      'data file': formatBytes(r.files.dataFileBytes),
      log: `${formatBytes(s.logBytes)} in use in ${r.files.walSegments} segment(s) (${formatBytes(r.files.walBytes)} preallocated), ${formatNumber(s.logRecords)} records`,
      'checkpoint LSN': s.checkpointLsn,
      'last LSN': s.lastLsn,
      cache: `${formatNumber(s.cacheHits)} hits, ${formatNumber(s.cacheMisses)} misses, ${formatNumber(s.cacheEvictions)} evictions`,
      'last open': r.recovery.cleanShutdown
        ? 'clean shutdown, nothing replayed'
        : `after a crash: replayed ${formatNumber(r.recovery.replayedRecords)} log records` +
          (r.recovery.tornTail ? `, dropped a torn tail of ${formatNumber(r.recovery.tornTail.bytesDropped)} bytes` : ''),
    }),
    '\n',
    formatTable(r.tables, [
      { header: 'table', value: (t) => t.name },
      { header: 'entries', value: (t) => formatNumber(t.entries), align: 'right' },
      { header: 'depth', value: (t) => String(t.depth), align: 'right' },
    ]),
  ];
  return out.join('');
}

export const statCommand: CommandSpec = {
  name: 'stat',
  summary: 'Show statistics of a database: entries, pages, log, cache, tables, last recovery.',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: {},
  readOnly: true,
  examples: ['photon stat ./mydb', 'photon stat ./mydb --json | jq .stats.entries'],
  async run(args, ctx) {
    const report = await withDatabase(args.positionals[0], { readOnly: true }, statReport);
    ctx.stdout.write(flag(args, 'json') ? toJson(report) + '\n' : formatStat(report));
    return EXIT.OK;
  },
};
