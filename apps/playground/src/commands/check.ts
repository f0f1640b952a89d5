/**
 * `photon check <db>`: every integrity problem of the trees and the page file. Exit code 0 when
 * sound, 1 on any problem, including a database that cannot even be opened (CORRUPTION, ...).
 */
import { isPhotonError } from '@photondb/contracts';
import type { CommandSpec } from '../command.js';
import { flag } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { openDatabase } from '../open-database.js';
import { toJson } from '../text-output.js';

/** The outcome of a check. */
export interface CheckReport {
  readonly ok: boolean;
  readonly problems: readonly { readonly where: string; readonly message: string }[];
}

/** Opens read-only and verifies; an open that fails with a PhotonError is a problem too. */
export async function checkReport(path: string): Promise<CheckReport> {
  let db;
  try {
    db = await openDatabase(path, { readOnly: true });
  } catch (e) {
    if (isPhotonError(e) && e.code !== 'NOT_FOUND' && e.code !== 'INVALID_ARGUMENT') {
      return { ok: false, problems: [{ where: 'open', message: `${e.code}: ${e.message}` }] };
    }
    throw e;
  }
  try {
    const problems = db.verify();
    return { ok: problems.length === 0, problems };
  } catch (e) {
    if (!isPhotonError(e)) throw e;
    return { ok: false, problems: [{ where: 'verify', message: `${e.code}: ${e.message}` }] };
  } finally {
    await db.close().catch(() => {});
  }
}

export const checkCommand: CommandSpec = {
  name: 'check',
  summary: 'Verify a database (trees, pages, checksums); exit code 1 on any problem.',
  positionals: [{ name: 'db', description: 'database directory' }],
  options: {},
  readOnly: true,
  examples: ['photon check ./mydb && echo sound'],
  async run(args, ctx) {
    const report = await checkReport(args.positionals[0]);
    if (flag(args, 'json')) ctx.stdout.write(toJson(report) + '\n');
    else if (report.ok) ctx.stdout.write('ok: no problems found\n');
    else {
      for (const p of report.problems) ctx.stdout.write(`${p.where}: ${p.message}\n`);
      ctx.stdout.write(`${report.problems.length} problem(s) found\n`);
    }
    return report.ok ? EXIT.OK : EXIT.FAILED;
  },
};
