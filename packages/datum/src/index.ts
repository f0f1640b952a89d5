/**
 * @photondb/datum: JSON-like values ("datums") with RethinkDB's total order, an order-preserving
 * key codec (byte order == datum order), a compact versioned value codec, and Level-style codecs.
 * Depends only on @photondb/contracts (for PhotonError).
 */
export { PhotonTime, DatumSentinel, MINVAL, MAXVAL, TYPE_RANK, MAX_EPOCH_MS, MAX_OFFSET_MINUTES, time, binary, isTime, isSentinel, datumType } from './types.js';
export type { Datum, DatumBound, DatumTypeName } from './types.js';
export { MAX_DEPTH, MAX_KEY_BYTES, MAX_VALUE_BYTES } from './limits.js';
export { isDatum, validateDatum, findDatumProblem } from './validate.js';
export type { DatumProblem, ValidateOptions } from './validate.js';
export { compareDatum, equalsDatum, compareStrings, compareBytes } from './compare.js';
/** `compare(a, b)`: the name for `compareDatum` (RethinkDB's total order). */
export { compareDatum as compare, equalsDatum as equals } from './compare.js';
export { encodeKey, decodeKey, decodeKeyBound, checkKeySize, keyRangeForPrefix, prefixSuccessor } from './key-codec.js';
export { encodeValue, decodeValue, getField } from './value-codec.js';
export type { EncodeValueOptions } from './value-codec.js';
export { KEY_TAG, VALUE_FORMAT_VERSION, VALUE_TAG } from './format.js';
export { CODEC_NAMES, rawCodec, utf8Codec, jsonCodec, datumKeyCodec, datumValueCodec, resolveCodec } from './codec.js';
export type { Codec, CodecName } from './codec.js';
