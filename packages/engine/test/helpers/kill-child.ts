/**
 * The child of the kill -9 torture (test/kill-torture.test.ts), run with tsx:
 *
 *     tsx kill-child.ts <dbPath> <seed> <firstTxn> <mode>
 *
 * Opens the database on real files, prints `open`, then commits transactions firstTxn,
 * firstTxn+1, … (four in flight, each with sync) printing `intent i` before and `ack i` after
 * each resolved commit. In mode `close` it closes after 30 transactions and prints `closed`.
 * With PHOTON_KILL_AT=<failpoint names, |-separated> and PHOTON_KILL_NTH=n it SIGKILLs itself at
 * the n-th hit of one of those failpoints, printing `phase <name>` first (stdout to a pipe is
 * synchronous on Linux, so the parent sees every line written before the kill).
 */
import { setFailpointHandler } from '@photondb/io';
import { open } from '@photondb/engine';
import { transaction } from './workload.js';

const [path, seedText, firstText, mode] = process.argv.slice(2);
const seed = Number(seedText);
const first = Number(firstText);
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const killAt = (process.env.PHOTON_KILL_AT ?? '').split('|').filter(Boolean);
let hits = 0;
const nth = Number(process.env.PHOTON_KILL_NTH ?? '1');
if (killAt.length > 0) {
  setFailpointHandler((name) => {
    if (killAt.some((k) => name.includes(k)) && ++hits === nth) {
      say(`phase ${name}`);
      process.kill(process.pid, 'SIGKILL');
    }
  });
}

async function main(): Promise<void> {
  const enc = (s: string): Uint8Array => Buffer.from(s);
  const db = await open(path, { createIfMissing: true, sync: true, pageSizeBytes: 4096, walSegmentBytes: 16 * 1024, checkpointLogBytes: 48 * 1024 });
  say('open');
  const limit = mode === 'close' ? first + 29 : Number.MAX_SAFE_INTEGER;
  const inflight = new Set<Promise<void>>();
  for (let i = first; i <= limit; i++) {
    const ops = transaction(seed, i).map((op) => (op.type === 'put' ? { type: 'put' as const, key: enc(op.key), value: enc(op.value) } : { type: 'del' as const, key: enc(op.key) }));
    say(`intent ${i}`);
    const p: Promise<void> = db.batch(ops).then(() => {
      say(`ack ${i}`);
      inflight.delete(p);
    });
    inflight.add(p);
    if (inflight.size >= 4) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  await db.close();
  say('closed');
}

main().catch((e: unknown) => {
  say(`error ${(e as Error)?.stack ?? String(e)}`);
  process.exitCode = 1;
});
