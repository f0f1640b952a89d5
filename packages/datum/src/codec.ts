/**
 * Codecs: how an engine turns user keys and values into bytes, in the style of the Level
 * ecosystem's `keyEncoding` / `valueEncoding`. Built-ins: raw bytes, UTF-8 text, JSON text, and
 * the datum key and value codecs. A user codec is any object with a name and encode/decode.
 */
import { PhotonError, describeValue, ownedCopy } from '@photondb/contracts';
import { decodeKey, encodeKey } from './key-codec.js';
import { isWellFormedString } from './validate.js';
import { decodeValue, encodeValue } from './value-codec.js';
import type { Datum } from './types.js';

/** Turns values of type T into bytes and back. `decode(encode(v))` must give back `v`. */
export interface Codec<T> {
  /** A short stable name (`raw`, `utf8`, `json`, `datumKey`, `datumValue`, or the user's). */
  readonly name: string;
  /** Bytes for `value`; throws `INVALID_ARGUMENT` when it cannot be encoded. */
  encode(value: T): Uint8Array;
  /**
   * The value for `bytes`; throws `CORRUPTION` when they cannot be decoded. `bytes` may be a view
   * of the store's own memory: a codec must not keep or return it, only values built from it (a
   * copy, a string, an object).
   */
  decode(bytes: Uint8Array): T;
}

/** The names `resolveCodec` accepts. */
export const CODEC_NAMES = ['raw', 'utf8', 'json', 'datum'] as const;
/** A built-in codec name. */
export type CodecName = (typeof CODEC_NAMES)[number];

/**
 * Bytes as they are: encode returns its argument (no copy; the store copies what it keeps), decode
 * returns a copy the caller owns (so changing a value read back never changes the store): a Node
 * `Buffer` (small ones share Node's allocation pool, as `Buffer.from` does), a plain `Uint8Array`
 * where there is no `Buffer`.
 */
export const rawCodec: Codec<Uint8Array> = Object.freeze({
  name: 'raw',
  encode(value: Uint8Array): Uint8Array {
    if (!(value instanceof Uint8Array)) throw new PhotonError('INVALID_ARGUMENT', `the raw codec needs a Uint8Array; got ${value === null ? 'null' : typeof value}`);
    return value;
  },
  decode(bytes: Uint8Array): Uint8Array {
    // A Buffer copy: small ones come from Node's pool, ~13x cheaper than a fresh ArrayBuffer.
    return ownedCopy(bytes);
  },
});

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Strings as UTF-8. Rejects lone surrogates (`INVALID_ARGUMENT`) and invalid UTF-8 (`CORRUPTION`). */
export const utf8Codec: Codec<string> = Object.freeze({
  name: 'utf8',
  encode(value: string): Uint8Array {
    if (typeof value !== 'string') throw new PhotonError('INVALID_ARGUMENT', `the utf8 codec needs a string; got ${value === null ? 'null' : typeof value}`);
    if (!isWellFormedString(value)) throw new PhotonError('INVALID_ARGUMENT', 'the utf8 codec needs well-formed text; the string has a lone surrogate');
    return utf8Encoder.encode(value);
  },
  decode(bytes: Uint8Array): string {
    try {
      return utf8Decoder.decode(bytes);
    } catch (e) {
      throw new PhotonError('CORRUPTION', 'bytes are not valid UTF-8', {}, { cause: e });
    }
  },
});

/** Any JSON-serialisable value as JSON text in UTF-8 (JSON.stringify / JSON.parse). */
export const jsonCodec: Codec<unknown> = Object.freeze({
  name: 'json',
  encode(value: unknown): Uint8Array {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (e) {
      throw new PhotonError('INVALID_ARGUMENT', `the json codec could not serialise the value: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e });
    }
    if (text === undefined) throw new PhotonError('INVALID_ARGUMENT', `the json codec cannot encode ${typeof value}`);
    return utf8Encoder.encode(text);
  },
  decode(bytes: Uint8Array): unknown {
    try {
      return JSON.parse(utf8Decoder.decode(bytes));
    } catch (e) {
      throw new PhotonError('CORRUPTION', 'bytes are not JSON text in UTF-8', {}, { cause: e });
    }
  },
});

/** The order-preserving datum key codec (`encodeKey` / `decodeKey`); accepts MINVAL/MAXVAL bounds. */
export const datumKeyCodec: Codec<Datum> = Object.freeze({ name: 'datumKey', encode: encodeKey, decode: decodeKey });

/** The compact datum value codec (`encodeValue` / `decodeValue`). */
export const datumValueCodec: Codec<Datum> = Object.freeze({ name: 'datumValue', encode: (v: Datum) => encodeValue(v), decode: decodeValue });

/**
 * The codec for a name or a user codec. `'datum'` means the key codec for `role` `'key'` and the
 * value codec for `'value'`. A user codec is checked (a string name, encode and decode functions)
 * and returned as is. Throws `INVALID_ARGUMENT` for an unknown name (listing the allowed ones) or
 * a malformed codec object.
 */
export function resolveCodec(nameOrCodec: CodecName | Codec<unknown>, role: 'key' | 'value'): Codec<unknown> {
  if (role !== 'key' && role !== 'value') throw new PhotonError('INVALID_ARGUMENT', `codec role must be 'key' or 'value'; got ${describeValue(role)}`);
  if (typeof nameOrCodec === 'string') {
    switch (nameOrCodec) {
      case 'raw':
        return rawCodec as Codec<unknown>;
      case 'utf8':
        return utf8Codec as Codec<unknown>;
      case 'json':
        return jsonCodec;
      case 'datum':
        return (role === 'key' ? datumKeyCodec : datumValueCodec) as Codec<unknown>;
      default:
        throw new PhotonError('INVALID_ARGUMENT', `unknown ${role} encoding "${nameOrCodec}"; allowed: ${CODEC_NAMES.join(', ')}, or a codec object { name, encode, decode }`);
    }
  }
  const c = nameOrCodec as Partial<Codec<unknown>> | null;
  if (typeof c !== 'object' || c === null || typeof c.encode !== 'function' || typeof c.decode !== 'function' || typeof c.name !== 'string') {
    throw new PhotonError('INVALID_ARGUMENT', `a ${role} encoding must be one of ${CODEC_NAMES.join(', ')} or a codec object { name: string, encode(value), decode(bytes) }`);
  }
  return nameOrCodec;
}

