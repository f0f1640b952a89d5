/**
 * Validation: is an unknown JS value a datum, and if not, exactly where and why not.
 *
 * This is the slow, thorough path. The codecs check the cheap conditions inline while encoding
 * and call `findDatumProblem` only after something failed, to build an error with the path inside
 * the value. So `isDatum(v)` is true exactly when `encodeValue(v)` succeeds (size aside), and
 * `isDatum(v, { allowSentinels: true })` exactly when `encodeKey(v)` does.
 *
 * Symbol-keyed and non-enumerable properties are ignored (as JSON does); getters are read.
 */
import { PhotonError } from '@photondb/contracts';
import { MAX_DEPTH } from './limits.js';
import { isPlainObject, isSentinel, isTime, timeFieldsProblem } from './types.js';
import type { Datum } from './types.js';

/** Why a value is not a datum: a JSONPath-like location (`$.items[3].name`) and a message. */
export interface DatumProblem {
  readonly valuePath: string;
  readonly message: string;
}

/** Options for validation. */
export interface ValidateOptions {
  /** Accept MINVAL/MAXVAL (range bounds for keys). Default false. */
  readonly allowSentinels?: boolean;
}

type Segment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats a path as `$`, `$.a[3]`, `$["not an identifier"]`. */
export function formatValuePath(segments: readonly Segment[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += IDENT.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** True when `s` has no lone surrogate. */
export function isWellFormedString(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

function describe(v: unknown): string {
  if (typeof v === 'object' && v !== null) {
    const ctor = (Object.getPrototypeOf(v) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof ctor === 'string' && ctor !== '' ? `an instance of ${ctor}` : 'an object with a custom prototype';
  }
  return typeof v;
}

class Walker {
  readonly path: Segment[] = [];
  readonly ancestors = new Set<object>();
  readonly allowSentinels: boolean;
  constructor(allowSentinels: boolean) {
    this.allowSentinels = allowSentinels;
  }

  problem(message: string): DatumProblem {
    return { valuePath: formatValuePath(this.path), message };
  }

  visit(v: unknown, depth: number): DatumProblem | undefined {
    switch (typeof v) {
      case 'boolean':
        return undefined;
      case 'number':
        return Number.isFinite(v) ? undefined : this.problem(`numbers must be finite; got ${String(v)}`);
      case 'string':
        return isWellFormedString(v) ? undefined : this.problem('strings must be well-formed UTF-16; found a lone surrogate');
      case 'object':
        return v === null ? undefined : this.visitObject(v, depth);
      case 'bigint':
        return this.problem('BigInt is not a datum; convert it to a number or a string');
      default:
        return this.problem(`${typeof v} is not a datum`);
    }
  }

  visitObject(v: object, depth: number): DatumProblem | undefined {
    if (v instanceof Uint8Array) return undefined;
    if (isTime(v)) return this.visitTime(v);
    if (isSentinel(v)) return this.allowSentinels ? undefined : this.problem(`${String(v)} is a range bound, not a storable datum`);
    const isArray = Array.isArray(v);
    if (!isArray && !isPlainObject(v)) {
      const hint = v instanceof Date ? ' (use time() or PhotonTime.fromDate for times)' : '';
      return this.problem(`${describe(v)} is not a datum; only plain objects, arrays, Uint8Array and PhotonTime are${hint}`);
    }
    if (this.ancestors.has(v)) return this.problem('cyclic structure: this value contains itself');
    if (depth + 1 > MAX_DEPTH) return this.problem(`nesting is deeper than ${MAX_DEPTH} (MAX_DEPTH)`);
    this.ancestors.add(v);
    const found = isArray ? this.visitArray(v as unknown[], depth + 1) : this.visitPlain(v as Record<string, unknown>, depth + 1);
    this.ancestors.delete(v);
    return found;
  }

  visitTime(v: object): DatumProblem | undefined {
    const t = v as { epochMs: unknown; offsetMinutes: unknown };
    const msg = timeFieldsProblem(t.epochMs, t.offsetMinutes);
    return msg === undefined ? undefined : this.problem(msg);
  }

  visitArray(a: unknown[], depth: number): DatumProblem | undefined {
    for (let i = 0; i < a.length; i++) {
      this.path.push(i);
      const found = i in a ? this.visitRead(() => a[i], depth) : this.problem('sparse arrays are not datums; this element is a hole');
      if (found !== undefined) return found;
      this.path.pop();
    }
    return undefined;
  }

  visitPlain(o: Record<string, unknown>, depth: number): DatumProblem | undefined {
    for (const k of Object.keys(o)) {
      this.path.push(k);
      if (!isWellFormedString(k)) return this.problem('object keys must be well-formed UTF-16; found a lone surrogate');
      const found = this.visitRead(() => o[k], depth);
      if (found !== undefined) return found;
      this.path.pop();
    }
    return undefined;
  }

  /** Reads a property (which may run a getter) and visits the result. */
  visitRead(read: () => unknown, depth: number): DatumProblem | undefined {
    let v: unknown;
    try {
      v = read();
    } catch (e) {
      return this.problem(`reading this property threw: ${(e as Error)?.message ?? String(e)}`);
    }
    return this.visit(v, depth);
  }
}

/**
 * The first reason `value` is not a datum (depth-first, in key order), or undefined when it is
 * one. Never throws. O(size of value).
 */
export function findDatumProblem(value: unknown, options: ValidateOptions = {}): DatumProblem | undefined {
  return new Walker(options.allowSentinels === true).visit(value, 0);
}

/** True when `value` is a datum (see `findDatumProblem`). */
export function isDatum(value: unknown, options: ValidateOptions = {}): value is Datum {
  return findDatumProblem(value, options) === undefined;
}

/**
 * Returns `value` typed as a datum, or throws `INVALID_ARGUMENT` with `valuePath` naming the first
 * offending place: NaN or ±Infinity, a lone surrogate (in a string or a key), undefined, a
 * function, a symbol, a BigInt, a class instance (including `Date`), a cyclic structure, a sparse
 * array, nesting deeper than `MAX_DEPTH`, a sentinel (unless allowed), a getter that throws.
 * -0 is a valid datum.
 */
export function validateDatum(value: unknown, options: ValidateOptions = {}): Datum {
  const problem = findDatumProblem(value, options);
  if (problem !== undefined) throw problemError(problem);
  return value as Datum;
}

/** The `INVALID_ARGUMENT` error for a problem. */
export function problemError(problem: DatumProblem, cause?: unknown): PhotonError {
  return new PhotonError('INVALID_ARGUMENT', `not a datum at ${problem.valuePath}: ${problem.message}`, { valuePath: problem.valuePath }, cause === undefined ? undefined : { cause });
}

/**
 * Called by an encoder whose fast path failed on `value`: throws the precise `INVALID_ARGUMENT`.
 * If the thorough walk finds nothing (a getter that threw only once, say), reports the encoder's
 * own error at `$`.
 */
export function throwInvalid(value: unknown, allowSentinels: boolean, cause?: unknown): never {
  const problem = findDatumProblem(value, { allowSentinels });
  throw problemError(problem ?? { valuePath: '$', message: `could not be encoded: ${(cause as Error)?.message ?? String(cause)}` }, cause);
}
