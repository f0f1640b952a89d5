/**
 * How the CLI reads keys and values typed by a user and shows stored bytes back.
 *
 * The CLI opens every database with raw bytes, so it works on any database whatever codecs its
 * application used, and this file decides the presentation:
 *   key formats    utf8 (default) | hex | datum (the order-preserving datum key codec; typed as
 *                  JSON, e.g. ["user", 42])
 *   value formats  auto (display only: datum if it decodes, else JSON text, else UTF-8, else hex)
 *                  | datum (typed as JSON, stored with the datum value codec) | json (JSON text)
 *                  | utf8 | hex
 * JSON shown for binary data uses {"$hex": "..."} and the same form is accepted on input, so
 * `dump` and `load` round-trip binary values.
 */
import { decodeKey, decodeValue, encodeKey, encodeValue } from '@photondb/datum';
import type { Datum } from '@photondb/datum';
import { toHex, toJson } from './text-output.js';
import { UsageError } from './usage-error.js';

export const KEY_FORMATS = ['utf8', 'hex', 'datum'] as const;
export const VALUE_FORMATS = ['auto', 'datum', 'json', 'utf8', 'hex'] as const;
export type KeyFormat = (typeof KEY_FORMATS)[number];
export type ValueFormat = (typeof VALUE_FORMATS)[number];

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Checks a key format name (UsageError otherwise). */
export function checkKeyFormat(name: string): KeyFormat {
  if ((KEY_FORMATS as readonly string[]).includes(name)) return name as KeyFormat;
  throw new UsageError(`key encoding must be one of ${KEY_FORMATS.join(', ')}; got "${name}"`);
}

/** Checks a value format name (UsageError otherwise). */
export function checkValueFormat(name: string): ValueFormat {
  if ((VALUE_FORMATS as readonly string[]).includes(name)) return name as ValueFormat;
  throw new UsageError(`value encoding must be one of ${VALUE_FORMATS.join(', ')}; got "${name}"`);
}

/** Bytes of a hex string (UsageError on odd length or a non-hex digit). */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/^0x/i, '').replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new UsageError(`"${text}" is not a hex string`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** JSON.parse reviver: {"$hex": "..."} becomes a Uint8Array. */
export function jsonReviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const hex = (value as { $hex?: unknown }).$hex;
    if (keys.length === 1 && typeof hex === 'string') return fromHex(hex);
  }
  return value;
}

function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text, jsonReviver);
  } catch {
    throw new UsageError(`${what} is not valid JSON: ${text.length > 60 ? text.slice(0, 60) + '…' : text}`);
  }
}

/** A key typed by a user, as stored bytes. */
export function parseKey(text: string, format: KeyFormat): Uint8Array {
  if (format === 'hex') return fromHex(text);
  if (format === 'datum') return encodeKey(looksLikeJson(text) ? (parseJsonText(text, 'key') as Datum) : text);
  return utf8Encoder.encode(text);
}

/** A key from a JSON document (`load`): strings per the format, other JSON only as datum keys. */
export function keyFromJson(value: unknown, format: KeyFormat): Uint8Array {
  if (format === 'datum') return encodeKey(value as Datum);
  if (typeof value !== 'string') throw new UsageError(`a ${format} key must be a JSON string; got ${toJson(value)}`);
  return format === 'hex' ? fromHex(value) : utf8Encoder.encode(value);
}

function looksLikeJson(text: string): boolean {
  return /^\s*[[{"\d-]|^\s*(true|false|null)\s*$/.test(text);
}

/** Stored key bytes for display. utf8 falls back to hex (shown as 0x…) when not valid text. */
export function renderKey(bytes: Uint8Array, format: KeyFormat): string {
  if (format === 'hex') return toHex(bytes);
  if (format === 'datum') {
    try {
      return toJson(decodeKey(bytes));
    } catch {
      return '0x' + toHex(bytes);
    }
  }
  const text = tryUtf8(bytes);
  return text !== undefined && isPrintable(text) ? text : '0x' + toHex(bytes);
}

/** A key as a JSON-able value for `--json` output and `dump`. */
export function keyToJson(bytes: Uint8Array, format: KeyFormat): unknown {
  if (format === 'hex') return toHex(bytes);
  if (format === 'datum') return decodeKey(bytes);
  const text = tryUtf8(bytes);
  if (text === undefined) throw new UsageError(`key 0x${toHex(bytes)} is not UTF-8 text; use --key-encoding hex`);
  return text;
}

/** A value typed by a user (JSON text for datum and json), as stored bytes. */
export function parseValue(text: string, format: ValueFormat): Uint8Array {
  switch (format) {
    case 'hex':
      return fromHex(text);
    case 'utf8':
      return utf8Encoder.encode(text);
    case 'json':
      parseJsonText(text, 'value');
      return utf8Encoder.encode(text);
    default:
      return encodeValue(parseJsonText(text, 'value') as Datum);
  }
}

/** A value from a JSON document (`load`), as stored bytes. */
export function valueFromJson(value: unknown, format: ValueFormat): Uint8Array {
  switch (format) {
    case 'hex':
      if (typeof value !== 'string') throw new UsageError('a hex value must be a JSON string');
      return fromHex(value);
    case 'utf8':
      if (typeof value !== 'string') throw new UsageError('a utf8 value must be a JSON string');
      return utf8Encoder.encode(value);
    case 'json':
      return utf8Encoder.encode(JSON.stringify(value));
    default:
      return encodeValue(value as Datum);
  }
}

/** Stored value bytes as a JS value (`auto` guesses; see the file comment). */
export function valueToJson(bytes: Uint8Array, format: ValueFormat): unknown {
  switch (format) {
    case 'hex':
      return toHex(bytes);
    case 'utf8': {
      const text = tryUtf8(bytes);
      if (text === undefined) throw new UsageError('value is not UTF-8 text; use --value-encoding hex');
      return text;
    }
    case 'json':
      return JSON.parse(Buffer.from(bytes).toString('utf8'), jsonReviver);
    case 'datum':
      return decodeValue(bytes);
    default:
      return autoValue(bytes);
  }
}

function autoValue(bytes: Uint8Array): unknown {
  try {
    return decodeValue(bytes);
  } catch {
    // not a datum value; try text forms
  }
  const text = tryUtf8(bytes);
  if (text !== undefined) {
    try {
      return JSON.parse(text, jsonReviver);
    } catch {
      if (isPrintable(text)) return text;
    }
  }
  return bytes;
}

/** Stored value bytes for display on one line. */
export function renderValue(bytes: Uint8Array, format: ValueFormat): string {
  if (format === 'hex') return toHex(bytes);
  if (format === 'utf8') return tryUtf8(bytes) ?? '0x' + toHex(bytes);
  try {
    const v = valueToJson(bytes, format);
    return typeof v === 'string' && format === 'auto' ? v : toJson(v);
  } catch {
    return '0x' + toHex(bytes);
  }
}

function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function isPrintable(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text);
}
