/**
 * The datum data model: the JSON-like values every PhotonDB table stores, plus the two range
 * sentinels MINVAL and MAXVAL.
 *
 * Plain JS values map naturally (`null`, `true`, `3.5`, `"x"`, arrays, plain objects,
 * `Uint8Array` for binary). Time has no natural JS form (`Date` has no timezone and is mutable),
 * so it is the small immutable class `PhotonTime`: epoch milliseconds plus a timezone offset in
 * minutes. Classification uses `Symbol.for` brands, not `instanceof`, so values made by another
 * installed copy of this package are still recognised.
 *
 * This file defines shapes only; validation lives in validate.ts and order in compare.ts.
 */
import { PhotonError, describeValue } from '@photondb/contracts';

/**
 * A datum: null, boolean, finite number, well-formed string, array, plain object, binary
 * (`Uint8Array`) or time (`PhotonTime`). Nesting is at most `MAX_DEPTH` containers deep.
 */
export type Datum = null | boolean | number | string | Uint8Array | PhotonTime | Datum[] | { [k: string]: Datum };

/**
 * A datum or a range sentinel, or an array of them: what `compareDatum` and `encodeKey` accept.
 * Sentinels are range bounds (`gte: ['user', MINVAL]`); they can never be stored as values.
 */
export type DatumBound = Datum | DatumSentinel | readonly DatumBound[] | { readonly [k: string]: DatumBound };

const TIME_BRAND: unique symbol = Symbol.for('photondb.datum.time') as never;
const SENTINEL_BRAND: unique symbol = Symbol.for('photondb.datum.sentinel') as never;

/** Largest |epochMs| a `PhotonTime` may hold: the range of JS `Date` (±8.64e15 ms). */
export const MAX_EPOCH_MS = 8.64e15;
/** Largest |offsetMinutes| of a `PhotonTime` (23:59). */
export const MAX_OFFSET_MINUTES = 1439;

/**
 * A point in time with the timezone it was recorded in. Immutable.
 *
 * Order and equality use `epochMs` only (as RethinkDB does): the same instant in two timezones is
 * equal, and the key codec stores the instant only (a decoded key has offset 0). The value codec
 * keeps the offset exactly.
 */
export class PhotonTime {
  /** Milliseconds since 1970-01-01T00:00:00Z; finite, |epochMs| <= MAX_EPOCH_MS, never -0. */
  readonly epochMs: number;
  /** Timezone offset east of UTC in minutes, an integer in [-1439, 1439]. */
  readonly offsetMinutes: number;

  /** Throws `INVALID_ARGUMENT` when either field is out of range. */
  constructor(epochMs: number, offsetMinutes = 0) {
    const problem = timeFieldsProblem(epochMs, offsetMinutes);
    if (problem !== undefined) throw new PhotonError('INVALID_ARGUMENT', problem, { valuePath: '$' });
    this.epochMs = epochMs === 0 ? 0 : epochMs; // folds -0
    this.offsetMinutes = offsetMinutes === 0 ? 0 : offsetMinutes;
    Object.freeze(this);
  }

  /** The instant as a new `Date` (the offset is lost: `Date` has none). */
  toDate(): Date {
    return new Date(this.epochMs);
  }

  /** ISO 8601 text in this time's own offset, e.g. `2024-05-01T12:00:00.000+02:00`. */
  toISOString(): string {
    const local = new Date(this.epochMs + this.offsetMinutes * 60_000).toISOString().slice(0, -1);
    if (this.offsetMinutes === 0) return local + 'Z';
    const abs = Math.abs(this.offsetMinutes);
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = String(abs % 60).padStart(2, '0');
    return `${local}${this.offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`;
  }

  /** A `PhotonTime` for a `Date`'s instant. Throws `INVALID_ARGUMENT` for an invalid Date. */
  static fromDate(date: Date, offsetMinutes = 0): PhotonTime {
    return new PhotonTime(date.getTime(), offsetMinutes);
  }
}
Object.defineProperty(PhotonTime.prototype, TIME_BRAND, { value: true });

/** Why `(epochMs, offsetMinutes)` is not a valid time, or undefined when it is. */
export function timeFieldsProblem(epochMs: unknown, offsetMinutes: unknown): string | undefined {
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs) || Math.abs(epochMs) > MAX_EPOCH_MS) {
    return `time epochMs must be a finite number within ±${MAX_EPOCH_MS}; got ${describeValue(epochMs)}`;
  }
  if (typeof offsetMinutes !== 'number' || !Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > MAX_OFFSET_MINUTES) {
    return `time offsetMinutes must be an integer in [-${MAX_OFFSET_MINUTES}, ${MAX_OFFSET_MINUTES}]; got ${describeValue(offsetMinutes)}`;
  }
  return undefined;
}

/** Makes a time datum. Throws `INVALID_ARGUMENT` when a field is out of range. */
export function time(epochMs: number, offsetMinutes = 0): PhotonTime {
  return new PhotonTime(epochMs, offsetMinutes);
}

/** True for a `PhotonTime` from any installed copy of this package. */
export function isTime(v: unknown): v is PhotonTime {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[TIME_BRAND] === true;
}

/** Makes a binary datum: a fresh `Uint8Array` copy of `bytes`. */
export function binary(bytes: ArrayLike<number> | ArrayBuffer): Uint8Array {
  return bytes instanceof ArrayBuffer ? new Uint8Array(bytes.slice(0)) : Uint8Array.from(bytes);
}

/** The class of the two range sentinels. Only `MINVAL` and `MAXVAL` exist. */
export class DatumSentinel {
  /** `'minval'` or `'maxval'`. */
  readonly kind: 'minval' | 'maxval';
  private constructor(kind: 'minval' | 'maxval') {
    this.kind = kind;
    Object.freeze(this);
  }
  /** @internal */
  static make(kind: 'minval' | 'maxval'): DatumSentinel {
    return new DatumSentinel(kind);
  }
  /** `"MINVAL"` or `"MAXVAL"`. */
  toString(): string {
    return this.kind.toUpperCase();
  }
}
Object.defineProperty(DatumSentinel.prototype, SENTINEL_BRAND, { value: true });

/** The range sentinel below every datum (and below every other key when encoded). */
export const MINVAL: DatumSentinel = DatumSentinel.make('minval');
/** The range sentinel above every datum (and above every other key when encoded). */
export const MAXVAL: DatumSentinel = DatumSentinel.make('maxval');

/** True for MINVAL or MAXVAL (from any installed copy of this package). */
export function isSentinel(v: unknown): v is DatumSentinel {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[SENTINEL_BRAND] === true;
}

/** True when the sentinel `v` is MINVAL (any copy). Precondition: `isSentinel(v)`. */
export function isMinSentinel(v: DatumSentinel): boolean {
  return v.kind === 'minval';
}

/** True for a plain object: prototype `Object.prototype` (any realm) or null. */
export function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * The type rank of a datum in RethinkDB's order. Ranks are the position in
 * MINVAL < array < boolean < null < number < object < binary < time < string < MAXVAL.
 */
export const TYPE_RANK = {
  minval: 0,
  array: 1,
  boolean: 2,
  null: 3,
  number: 4,
  object: 5,
  binary: 6,
  time: 7,
  string: 8,
  maxval: 9,
} as const;

/** The names of datum types, in order. */
export type DatumTypeName = keyof typeof TYPE_RANK;

/** The type of a datum or sentinel; undefined for anything that is not one at the top level. */
export function datumType(v: unknown): DatumTypeName | undefined {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'array';
      if (v instanceof Uint8Array) return 'binary';
      if (isTime(v)) return 'time';
      if (isSentinel(v)) return v.kind;
      return isPlainObject(v) ? 'object' : undefined;
    default:
      return undefined;
  }
}
