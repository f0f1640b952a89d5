/** The hostile-input worker pool tells ok, typed, untyped, hang and crash apart, and survives the last two. */
import { describe, expect, it } from '@jest/globals';
import { runHostilePool, summarizeOutcomes } from '../src/testing/index.js';

const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, task }) => {
  let outcome;
  if (task === 'ok') outcome = { kind: 'ok' };
  else if (task === 'typed') outcome = { kind: 'typed', detail: 'CORRUPTION' };
  else if (task === 'untyped') outcome = { kind: 'untyped', detail: 'TypeError' };
  else if (task === 'hang') for (;;) {}
  else if (task === 'oom') { const a = []; for (;;) a.push(new Array(1e6).fill(1)); }
  else if (task === 'exit') process.exit(3);
  parentPort.postMessage({ id, outcome });
});
`;

describe('runHostilePool', () => {
  it('classifies every outcome and replaces workers that hang or die', async () => {
    const tasks = ['ok', 'hang', 'typed', 'oom', 'untyped', 'exit', 'ok', 'ok'];
    const outcomes = await runHostilePool({ source: WORKER, tasks, timeoutMs: 300, heapMb: 32, workers: 2, startupMs: 2000 });
    expect(outcomes.map((o) => o.kind)).toEqual(['ok', 'hang', 'typed', 'crash', 'untyped', 'crash', 'ok', 'ok']);
    const { counts, bad } = summarizeOutcomes(outcomes);
    expect(counts).toEqual({ ok: 3, typed: 1, untyped: 1, hang: 1, crash: 2 });
    expect(bad).toHaveLength(4);
  }, 30_000);
});
