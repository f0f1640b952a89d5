/**
 * R8, isolation (../shared/TESTING.md): histories of transactions from 32 async clients, checked
 * against what the engine promises — serializable transactions (optimistic, validated at commit)
 * and snapshot reads.
 *
 * Two workloads run on one database:
 *  - bank: 16 accounts; transfers read two balances and move money; auditors scan every account
 *    in one transaction. Serializability keeps the total constant for every auditor and at the end.
 *  - list-append: transactions read some lists and append their id to others (Elle's workload).
 *    From the final lists and what every committed transaction read, the checker builds the
 *    write-write, write-read and read-write dependency graph; a cycle is a serializability
 *    anomaly, and an id of an aborted or rolled-back transaction in a list is a dirty write.
 * The checker must catch each planted bug (mutants in @photondb/contracts): the conflict check
 * switched off, the snapshot sequence taken late, and a rollback that leaks its writes.
 */
import { describe, expect, it } from '@jest/globals';
import { hasErrorCode, setMutants } from '@photondb/contracts';
import { MemoryFileSystem } from '@photondb/io';
import { open } from '@photondb/engine';
import type { PhotonDB, Transaction } from '@photondb/engine';
import { prng } from './helpers/workload.js';
import { reportFigure, scaled } from './helpers/report.js';

type DB = PhotonDB<string, unknown>;
type Tx = Transaction<string, unknown>;

const CLIENTS = 32;
const ACCOUNTS = 16;
const START_BALANCE = 1000;
const LISTS = 8;

interface Anomalies {
  readonly found: string[];
  committed: number;
  aborted: number;
}

async function openDb(): Promise<DB> {
  return open<string, unknown>('/iso', { fileSystem: new MemoryFileSystem(), keyEncoding: 'utf8', valueEncoding: 'json', sync: false, checkpointLogBytes: 256 * 1024 });
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Runs `body` in a transaction, maybe yielding between steps; false when it had to abort. */
async function attempt(db: DB, rand: () => number, body: (tx: Tx) => Promise<void>, result: Anomalies): Promise<boolean> {
  const tx = db.beginTransaction();
  try {
    await body(tx);
    if (rand() < 0.5) await yieldNow();
    await tx.commit();
    result.committed++;
    return true;
  } catch (e) {
    if (tx.state === 'open') tx.rollback();
    if (hasErrorCode(e, 'CONFLICT')) {
      result.aborted++;
      return false;
    }
    throw e;
  }
}

async function bank(db: DB, transactions: number, seed: number): Promise<Anomalies> {
  const result: Anomalies = { found: [], committed: 0, aborted: 0 };
  await db.batch(Array.from({ length: ACCOUNTS }, (_, i) => ({ type: 'put' as const, key: `acct:${String(i).padStart(2, '0')}`, value: START_BALANCE })));
  const total = ACCOUNTS * START_BALANCE;
  let left = transactions;
  const client = async (c: number): Promise<void> => {
    const rand = prng(seed * 1000 + c);
    while (left-- > 0) {
      const r = rand();
      if (r < 0.15) {
        await attempt(db, rand, async (tx) => {
          let sum = 0;
          for (const [, v] of tx.scan({ prefix: 'acct:' })) sum += v as number;
          if (sum !== total) result.found.push(`an auditor saw a total of ${sum}, not ${total}`);
        }, result);
      } else if (r < 0.25) {
        // Starts a transfer and rolls it back: nothing of it may ever be seen.
        const tx = db.beginTransaction();
        const a = `acct:${String(Math.floor(rand() * ACCOUNTS)).padStart(2, '0')}`;
        tx.set(a, ((await tx.get(a)) as number) + 1_000_000);
        if (rand() < 0.5) await yieldNow();
        tx.rollback();
      } else {
        const a = Math.floor(rand() * ACCOUNTS);
        const b = (a + 1 + Math.floor(rand() * (ACCOUNTS - 1))) % ACCOUNTS;
        const amount = 1 + Math.floor(rand() * 50);
        await attempt(db, rand, async (tx) => {
          const ka = `acct:${String(a).padStart(2, '0')}`;
          const kb = `acct:${String(b).padStart(2, '0')}`;
          const va = (await tx.get(ka)) as number;
          if (rand() < 0.5) await yieldNow();
          const vb = (await tx.get(kb)) as number;
          if (va < amount) return;
          tx.set(ka, va - amount);
          tx.set(kb, vb + amount);
        }, result);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  await db.internals.waitForCommits();
  let sum = 0;
  for (const [, v] of db.scan({ prefix: 'acct:' })) sum += v as number;
  if (sum !== total) result.found.push(`the final total is ${sum}, not ${total}`);
  return result;
}

interface ListTxn {
  readonly id: number;
  readonly reads: Map<string, number[]>;
  readonly appends: string[];
}

async function listAppend(db: DB, transactions: number, seed: number): Promise<Anomalies> {
  const result: Anomalies = { found: [], committed: 0, aborted: 0 };
  const committed: ListTxn[] = [];
  const notCommitted = new Set<number>();
  let nextId = 1;
  let left = transactions;
  const client = async (c: number): Promise<void> => {
    const rand = prng(seed * 7919 + c);
    while (left-- > 0) {
      const id = nextId++;
      const txn: ListTxn = { id, reads: new Map(), appends: [] };
      const rollback = rand() < 0.05;
      const ok = await attempt(db, rand, async (tx) => {
        const n = 1 + Math.floor(rand() * 3);
        for (let i = 0; i < n; i++) {
          const key = `list:${Math.floor(rand() * LISTS)}`;
          const list = ((await tx.get(key)) as number[] | undefined) ?? [];
          txn.reads.set(key, list);
          if (rand() < 0.3) await yieldNow();
          if (rand() < 0.6 && !txn.appends.includes(key)) {
            tx.set(key, [...list, id]);
            txn.appends.push(key);
          }
        }
        if (rollback) {
          tx.rollback();
          throw Object.assign(new Error('rolled back'), { code: 'CONFLICT' });
        }
      }, result).catch((e: unknown) => {
        if (hasErrorCode(e, 'CONFLICT') || (e as { code?: string }).code === 'CONFLICT') return false;
        throw e;
      });
      if (ok) committed.push(txn);
      else notCommitted.add(id);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  await db.internals.waitForCommits();

  const finals = new Map<string, number[]>();
  for (const [k, v] of db.scan({ prefix: 'list:' })) finals.set(k, v as number[]);
  const byId = new Map(committed.map((t) => [t.id, t]));
  // 1. every element is a committed transaction's, once, in a list it appended to
  for (const [key, list] of finals) {
    const seen = new Set<number>();
    for (const id of list) {
      if (seen.has(id)) result.found.push(`${key} holds transaction ${id} twice`);
      seen.add(id);
      if (notCommitted.has(id)) result.found.push(`${key} holds transaction ${id}, which did not commit (dirty write)`);
      else if (!byId.get(id)?.appends.includes(key)) result.found.push(`${key} holds transaction ${id}, which never appended to it`);
    }
  }
  for (const t of committed) {
    for (const key of t.appends) if (!(finals.get(key) ?? []).includes(t.id)) result.found.push(`committed transaction ${t.id}'s append to ${key} is lost`);
  }
  // 2. dependency graph: ww, wr, rw edges; a cycle is an anomaly
  const edges = new Map<number, Set<number>>();
  const edge = (from: number, to: number): void => {
    if (from === to) return;
    let s = edges.get(from);
    if (!s) edges.set(from, (s = new Set()));
    s.add(to);
  };
  for (const [, list] of finals) for (let i = 1; i < list.length; i++) edge(list[i - 1], list[i]);
  for (const t of committed) {
    for (const [key, read] of t.reads) {
      const final = finals.get(key) ?? [];
      if (read.some((id, i) => final[i] !== id)) {
        result.found.push(`transaction ${t.id} read ${key} as [${read.join(',')}], which is no prefix of its final value`);
        continue;
      }
      if (read.length > 0) edge(read[read.length - 1], t.id);
      const next = final[read.length];
      if (next !== undefined && next !== t.id) edge(t.id, next);
    }
  }
  const ids = new Set<number>([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])]);
  const indegree = new Map<number, number>([...ids].map((id) => [id, 0]));
  for (const s of edges.values()) for (const to of s) indegree.set(to, indegree.get(to)! + 1);
  const ready = [...ids].filter((id) => indegree.get(id) === 0);
  let sorted = 0;
  while (ready.length) {
    const id = ready.pop()!;
    sorted++;
    for (const to of edges.get(id) ?? []) {
      const d = indegree.get(to)! - 1;
      indegree.set(to, d);
      if (d === 0) ready.push(to);
    }
  }
  if (sorted < ids.size) result.found.push(`the dependency graph has a cycle among ${ids.size - sorted} transactions (not serializable)`);
  return result;
}

async function history(transactions: number, seed: number): Promise<Anomalies> {
  const db = await openDb();
  try {
    const a = await bank(db, transactions / 2, seed);
    const b = await listAppend(db, transactions / 2, seed);
    expect(db.verify()).toEqual([]);
    return { found: [...a.found, ...b.found], committed: a.committed + b.committed, aborted: a.aborted + b.aborted };
  } finally {
    await db.close();
  }
}

describe('R8: isolation histories from 32 async clients', () => {
  const N = scaled(10_000);

  it(`finds no anomaly in a history of ${N} transactions`, async () => {
    const r = await history(N, 8);
    reportFigure({ id: 'R8', what: 'isolation history', tried: N, failed: r.found.length, detail: `${r.committed} committed, ${r.aborted} aborted by CONFLICT` });
    expect(r.found.slice(0, 5)).toEqual([]);
    expect(r.committed).toBeGreaterThan(N / 3);
    expect(r.aborted).toBeGreaterThan(0);
  }, scaled(300_000));

  it.each(['engine-no-conflict-check', 'engine-late-snapshot', 'engine-rollback-leak'])('catches the planted bug %s', async (mutant) => {
    setMutants([mutant]);
    try {
      const r = await history(2000, 9);
      reportFigure({ id: 'R8', what: `planted bug ${mutant}`, tried: 1, failed: r.found.length > 0 ? 0 : 1, detail: r.found[0] ?? 'NOT caught' });
      expect(r.found.length).toBeGreaterThan(0);
    } finally {
      setMutants([]);
    }
  }, 300_000);
});
