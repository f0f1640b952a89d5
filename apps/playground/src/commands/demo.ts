/**
 * `photon demo`: the README's first command. It shows what PhotonDB does, end to end, on a fresh
 * database: load realistic JSON documents with a progress bar, query them (point get, range,
 * prefix, reverse with limit, count), run a transaction and provoke a conflict, crash a writer
 * with SIGKILL and recover every acknowledged commit, verify, and print statistics.
 *
 * It uses `@photondb/engine` exactly as an application would (utf8 keys, datum values).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { hasErrorCode } from '@photondb/contracts';
import { open } from '@photondb/engine';
import type { PhotonDB } from '@photondb/engine';
import type { CommandSpec } from '../command.js';
import { intOption, stringOption } from '../command.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { fileSizes } from '../inspect.js';
import { ProgressBar } from '../progress.js';
import { orderKey, sampleRows, userCount, userKey } from '../sample-data.js';
import { formatBytes, formatDuration, formatNumber, toJson, truncate } from '../text-output.js';
import { UsageError } from '../usage-error.js';
import { crashKey } from './crash-child.js';

type DemoDB = PhotonDB<string, unknown>;

/** Options of `runDemo`. */
export interface DemoOptions {
  readonly dir: string;
  readonly rows: number;
  readonly batchRows?: number;
  /** How many acknowledged commits the crash child makes before it is killed. */
  readonly crashAfterAcks?: number;
}

/** What the demo found, for tests and `--json`-style checks. */
export interface DemoResult {
  readonly dir: string;
  readonly rows: number;
  readonly entries: number;
  readonly acknowledged: number;
  readonly recoveredCrashKeys: number;
  readonly lostAcknowledged: number;
  readonly replayedRecords: number;
  readonly cleanShutdownBeforeRecovery: boolean;
  readonly conflictSeen: boolean;
  readonly problems: number;
}

const step = (ctx: CommandContext, n: number, title: string): void => {
  ctx.stdout.write(`\n${n}. ${title}\n`);
};

const say = (ctx: CommandContext, text: string): void => {
  ctx.stdout.write(`   ${text}\n`);
};

function preview(value: unknown, max = 110): string {
  return truncate(toJson(value), max);
}

async function time<T>(fn: () => T | Promise<T>): Promise<[T, string]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, formatDuration(performance.now() - t0)];
}

async function load(db: DemoDB, ctx: CommandContext, rows: number, batchRows: number): Promise<void> {
  const users = userCount(rows);
  step(ctx, 1, `Loading ${formatNumber(rows)} JSON documents (${formatNumber(users)} users, ${formatNumber(rows - users)} orders) in transactions of ${formatNumber(batchRows)}`);
  const bar = new ProgressBar(ctx.stdout, '   loading', rows);
  const started = performance.now();
  let batch: { type: 'put'; key: string; value: unknown }[] = [];
  let done = 0;
  for (const row of sampleRows(rows)) {
    batch.push({ type: 'put', key: row.key, value: row.value });
    if (batch.length === batchRows) {
      if (ctx.signal.aborted) throw new UsageError('cancelled');
      await db.batch(batch);
      done += batch.length;
      batch = [];
      bar.update(done);
    }
  }
  if (batch.length > 0) await db.batch(batch);
  bar.update(rows);
  bar.finish();
  const ms = performance.now() - started;
  say(ctx, `loaded in ${formatDuration(ms)} (${formatNumber(Math.round(rows / (ms / 1000)))} documents/s, each batch one durable commit)`);
}

async function queries(db: DemoDB, ctx: CommandContext, rows: number): Promise<void> {
  step(ctx, 2, 'Queries');
  const users = userCount(rows);
  const someUser = userKey(Math.min(42, users));
  const [doc, t1] = await time(() => db.get(someUser));
  say(ctx, `get("${someUser}")  ${t1}`);
  say(ctx, `  ${preview(doc)}`);
  const lo = orderKey(100);
  const hi = orderKey(105);
  const [range, t2] = await time(() => [...db.scan({ gte: lo, lt: hi })]);
  say(ctx, `scan({ gte: "${lo}", lt: "${hi}" })  ${range.length} rows  ${t2}`);
  for (const [k, v] of range.slice(0, 3)) say(ctx, `  ${k}  ${preview({ status: (v as { status?: unknown }).status, totalCents: (v as { totalCents?: unknown }).totalCents })}`);
  const [prefix, t3] = await time(() => [...db.scan({ prefix: 'user:00001', limit: 3 })]);
  say(ctx, `scan({ prefix: "user:00001", limit: 3 })  ${t3}`);
  for (const [k, v] of prefix) say(ctx, `  ${k}  ${preview({ name: (v as { name?: unknown }).name, email: (v as { email?: unknown }).email })}`);
  const [latest, t4] = await time(() => [...db.scan({ prefix: 'order:', reverse: true, limit: 3 })]);
  say(ctx, `scan({ prefix: "order:", reverse: true, limit: 3 })  — the newest orders  ${t4}`);
  for (const [k, v] of latest) say(ctx, `  ${k}  ${preview({ placedAt: (v as { placedAt?: unknown }).placedAt, status: (v as { status?: unknown }).status })}`);
  const [counts, t5] = await time(() => ({ users: db.count({ prefix: 'user:' }), orders: db.count({ prefix: 'order:' }), all: db.count() }));
  say(ctx, `count(): ${formatNumber(counts.all)} entries — ${formatNumber(counts.users)} users, ${formatNumber(counts.orders)} orders  ${t5}`);
}

async function transactions(db: DemoDB, ctx: CommandContext): Promise<boolean> {
  step(ctx, 3, 'Transactions');
  const a = userKey(1);
  const b = userKey(2);
  const credit = async (k: string): Promise<number> => Number(((await db.get(k)) as { credit?: number } | undefined)?.credit ?? 0);
  say(ctx, `before: ${a}.credit = ${await credit(a)}, ${b}.credit = ${await credit(b)}`);
  await db.transaction(async (tx) => {
    const from = (await tx.get(a)) as Record<string, unknown>;
    const to = (await tx.get(b)) as Record<string, unknown>;
    const amount = Math.min(500, Number(from.credit));
    tx.set(a, { ...from, credit: Number(from.credit) - amount });
    tx.set(b, { ...to, credit: Number(to.credit) + amount });
  });
  say(ctx, `db.transaction(): moved up to 500 credit from ${a} to ${b} atomically`);
  say(ctx, `after:  ${a}.credit = ${await credit(a)}, ${b}.credit = ${await credit(b)}`);
  const key = userKey(3);
  const t1 = db.beginTransaction();
  const t2 = db.beginTransaction();
  const v1 = (await t1.get(key)) as Record<string, unknown>;
  const v2 = (await t2.get(key)) as Record<string, unknown>;
  t1.set(key, { ...v1, credit: 1 });
  t2.set(key, { ...v2, credit: 2 });
  await t1.commit();
  try {
    await t2.commit();
    say(ctx, 'two transactions wrote the same key and both committed (no conflict detected)');
    return false;
  } catch (e) {
    if (!hasErrorCode(e, 'CONFLICT')) throw e;
    say(ctx, `two transactions read and wrote ${key}: the first committed, the second got CONFLICT (optimistic concurrency)`);
    return true;
  }
}

interface CrashOutcome {
  readonly acknowledged: number;
}

/** Runs the crash child until it has `acks` acknowledged commits, then SIGKILLs it. */
async function crashChild(ctx: CommandContext, dir: string, acks: number): Promise<CrashOutcome> {
  const [cmd, ...prefix] = ctx.selfCommand;
  const child = spawn(cmd, [...prefix, '__crash-child', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let acknowledged = 0;
  const lines = createInterface({ input: child.stdout });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    for await (const line of lines) {
      const m = /^ack (\d+)$/.exec(line);
      if (m) acknowledged = Number(m[1]);
      if (acknowledged >= acks) {
        child.kill('SIGKILL');
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    lines.close();
  }
  const code = await exited;
  if (acknowledged < acks) throw new Error(`the crash child stopped early (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`);
  return { acknowledged };
}

async function crashAndRecover(ctx: CommandContext, dir: string, acks: number): Promise<Omit<DemoResult, 'dir' | 'rows' | 'entries' | 'conflictSeen' | 'problems'>> {
  step(ctx, 4, 'Crash and recover');
  say(ctx, `a child process opens the database and commits documents one by one (sync: true), printing "ack n" after each`);
  const { acknowledged } = await crashChild(ctx, dir, acks);
  say(ctx, `after ${acknowledged} acknowledged commits the parent killed it with SIGKILL — no close(), no checkpoint`);
  const [db, took] = await time(() => open<string, unknown>(dir, { keyEncoding: 'utf8', valueEncoding: 'datum' }));
  try {
    const r = db.recovery;
    say(ctx, `reopened in ${took}: cleanShutdown=${r.cleanShutdown}, replayed ${r.replayedRecords} log records after checkpoint LSN ${r.checkpointLsn} (last LSN ${r.lastLsn})` +
      (r.tornTail ? `, dropped a torn tail of ${r.tornTail.bytesDropped} bytes` : ''));
    let lost = 0;
    for (let n = 1; n <= acknowledged; n++) if ((await db.get(crashKey(n))) === undefined) lost++;
    const recovered = db.count({ prefix: 'crash:' });
    say(ctx, lost === 0
      ? `all ${acknowledged} acknowledged commits are there (${recovered} crash:* documents; a commit in flight may also have made it)`
      : `LOST ${lost} of ${acknowledged} acknowledged commits`);
    return { acknowledged, recoveredCrashKeys: recovered, lostAcknowledged: lost, replayedRecords: r.replayedRecords, cleanShutdownBeforeRecovery: r.cleanShutdown };
  } finally {
    await db.close();
  }
}

async function finalStats(ctx: CommandContext, dir: string): Promise<{ entries: number; problems: number }> {
  step(ctx, 5, 'Verify and statistics');
  const db = await open<string, unknown>(dir, { keyEncoding: 'utf8', valueEncoding: 'datum' });
  try {
    const [problems, took] = await time(() => db.verify());
    say(ctx, problems.length === 0 ? `verify(): no problems (${took})` : `verify(): ${problems.length} PROBLEMS, first: ${problems[0].where}: ${problems[0].message}`);
    const s = db.stats();
    const files = fileSizes(dir);
    say(ctx, `entries ${formatNumber(s.entries)} · tree depth ${s.treeDepth} · ${formatNumber(s.pageCount)} pages of ${formatBytes(s.pageSizeBytes)} (${formatNumber(s.freePages)} free)`);
    say(ctx, `data file ${formatBytes(files.dataFileBytes)} · log ${formatBytes(s.logBytes)} in use in ${files.walSegments} segment(s) (${formatBytes(files.walBytes)} preallocated) · checkpoint LSN ${s.checkpointLsn}`);
    say(ctx, `cache ${formatNumber(s.cacheHits)} hits / ${formatNumber(s.cacheMisses)} misses · ${formatNumber(s.fsyncs)} fsyncs · ${formatNumber(s.commits)} commits since open`);
    return { entries: s.entries, problems: problems.length };
  } finally {
    await db.close();
  }
}

/** Runs the whole demo in `options.dir` (which must not hold a database yet). */
export async function runDemo(ctx: CommandContext, options: DemoOptions): Promise<DemoResult> {
  const dir = resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} is not empty; pass --dir with a new or empty directory`, 'demo');
  ctx.stdout.write(`PhotonDB demo — database in ${dir}\n`);
  const db = await open<string, unknown>(dir, { keyEncoding: 'utf8', valueEncoding: 'datum' });
  let conflictSeen: boolean;
  try {
    await load(db, ctx, options.rows, options.batchRows ?? 1000);
    await queries(db, ctx, options.rows);
    conflictSeen = await transactions(db, ctx);
  } finally {
    await db.close();
  }
  const crash = await crashAndRecover(ctx, dir, options.crashAfterAcks ?? 25);
  const final = await finalStats(ctx, dir);
  ctx.stdout.write(`\nExplore it:\n  photon repl ${dir}\n  photon serve ${dir}      (B-tree, page map and live stats at http://127.0.0.1:7070)\n  photon stat ${dir}\n`);
  return { dir, rows: options.rows, conflictSeen, ...crash, ...final };
}

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'Create a database, load 100,000 JSON documents, query, transact, crash, recover, show stats.',
  positionals: [],
  options: {
    dir: { type: 'string', valueName: 'path', description: 'new or empty directory for the database (default: a fresh temporary directory)' },
    rows: { type: 'string', valueName: 'n', description: 'documents to load', default: '100000' },
    batch: { type: 'string', valueName: 'rows', description: 'documents per transaction while loading', default: '1000' },
  },
  readOnly: false,
  examples: ['photon demo', 'photon demo --dir ./demo-db --rows 10k'],
  async run(args, ctx) {
    const rows = intOption(args, 'rows', 100_000, 100, 10_000_000, 'demo');
    const batchRows = intOption(args, 'batch', 1000, 1, 100_000, 'demo');
    const dir = stringOption(args, 'dir') ?? mkdtempSync(join(tmpdir(), 'photon-demo-'));
    const result = await runDemo(ctx, { dir, rows, batchRows });
    return result.lostAcknowledged === 0 && result.problems === 0 ? EXIT.OK : EXIT.FAILED;
  },
};
