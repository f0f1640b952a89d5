/**
 * What a contract suite needs from a test runner: `describe` and `it`, so suites run under jest,
 * node:test or mocha alike. Suites assert with `node:assert` and never import a runner.
 */
export interface TestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => void | Promise<unknown>, timeoutMs?: number): void;
}

/**
 * fast-check run count for property tests: `PHOTON_FC_RUNS` when set (the torture tier raises
 * it), else `fallback`.
 */
export function fcRuns(fallback: number): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const raw = env?.PHOTON_FC_RUNS;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? Math.max(n, fallback) : fallback;
}

/** Asserts that `fn` throws (or rejects with) a PhotonError with `code`. */
export async function expectCode(code: string, fn: () => unknown): Promise<void> {
  let thrown: unknown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  const got = (thrown as { code?: unknown } | undefined)?.code;
  if (thrown === undefined) throw new Error(`expected a PhotonError with code ${code}, but nothing was thrown`);
  if (got !== code) {
    const err = new Error(`expected code ${code}, got ${String(got)}: ${String((thrown as Error)?.message)}`);
    (err as Error & { cause?: unknown }).cause = thrown;
    throw err;
  }
}
