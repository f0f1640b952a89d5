/**
 * Byte formats of @photondb/datum: the order-preserving key encoding and the value encoding.
 * Constants only; the encoders are key-codec.ts and value-codec.ts. Both formats are pinned by
 * golden-bytes tests (test/golden.test.ts): a change that alters bytes must fail them, bump the
 * value format version, keep old bytes readable, and say so in a changeset.
 */

/**
 * Key encoding, format v1. Order-preserving: for all datums a, b,
 * compareBytes(encodeKey(a), encodeKey(b)) === compareDatum(a, b). Self-delimiting, so an array
 * is the concatenation of its elements' encodings. Not versioned in the bytes (a version byte
 * would not change the order, but keys are compared raw by the B-tree, so a format change is a
 * new key format, never a silent one). Modelled on FoundationDB's tuple layer.
 *
 *   TAG   TYPE     BODY after the tag
 *   0x10  MINVAL   none
 *   0x20  array    each element's encoding, then 0x00
 *   0x30  false    none
 *   0x31  true     none
 *   0x40  null     none
 *   0x50  number   8 bytes: IEEE-754 big-endian, sign bit flipped for +, all bits flipped for -;
 *                  -0 is written as 0
 *   0x60  object   for each key in code point order: 0x01, the key's UTF-8 escaped, 0x00, the
 *                  value's encoding; then 0x00
 *   0x70  binary   the bytes escaped, then 0x00
 *   0x80  time     8 bytes: epochMs as for numbers (the timezone offset is not stored)
 *   0x90  string   UTF-8 escaped, then 0x00
 *   0xF0  MAXVAL   none
 *
 * Escaping: each 0x00 byte is written 0x00 0xFF, so a lone 0x00 ends the run. Every tag and both
 * separators (0x00, 0x01) are below 0xFF, which keeps a longer run sorted after its prefix.
 * Array and object terminators (0x00) sort below every tag, so a proper prefix sorts first, and
 * `encodeKey([a, b])` starts with `encodeKey([a])` minus its last byte (keyRangeForPrefix).
 *
 * Valid iff (1) tags are known; (2) numbers are not NaN, ±Infinity or -0 and times are within
 * ±MAX_EPOCH_MS; (3) escaped runs end with 0x00 and 0x00 is followed by 0xFF only as an escape;
 * (4) strings and keys are valid UTF-8; (5) object keys are strictly increasing; (6) nesting is
 * at most MAX_DEPTH; (7) no bytes follow the top-level datum. Anything else is CORRUPTION with
 * the offset.
 */
export const KEY_TAG = {
  minval: 0x10,
  array: 0x20,
  false: 0x30,
  true: 0x31,
  null: 0x40,
  number: 0x50,
  object: 0x60,
  binary: 0x70,
  time: 0x80,
  string: 0x90,
  maxval: 0xf0,
} as const;
/** Ends arrays, objects and escaped runs. */
export const KEY_END = 0x00;
/** Starts each key/value pair of an object. */
export const KEY_PAIR = 0x01;
/** Follows 0x00 inside an escaped run to mean a literal 0x00 byte. */
export const KEY_ESCAPE = 0xff;
/** Bytes of a number or time body. */
export const KEY_NUMBER_BYTES = 8;

/**
 * Value encoding, format v1. One version byte, then one value. Little-endian. Integers are
 * varints (LEB128: 7 bits per byte, low group first, high bit = more), at most 8 bytes.
 *
 *   OFFSET  SIZE  FIELD    MEANING
 *        0     1  version  VALUE_FORMAT_VERSION (1); another version -> UNSUPPORTED_VERSION
 *        1     *  value    tag byte and body, below
 *
 *   TAG        TYPE             BODY
 *   0x00-0x7F  integer 0..127   none (the tag is the value)
 *   0x80-0x9F  short string     UTF-8, length = tag - 0x80 (0..31 bytes)
 *   0xA0-0xAF  short array      count = tag - 0xA0 (0..15) values
 *   0xB0-0xBF  short object     count = tag - 0xB0 (0..15) pairs: key (varint length, UTF-8), value
 *   0xC0       null
 *   0xC1       false
 *   0xC2       true
 *   0xC3       float64          8 bytes IEEE-754 (any finite double, including -0)
 *   0xC4       integer          varint n, value n (128 <= n <= 2^53 - 1)
 *   0xC5       negative integer varint n, value -(n + 1) (n + 1 <= 2^53 - 1)
 *   0xC6       string           varint length, UTF-8
 *   0xC7       binary           varint length, bytes
 *   0xC8       array            varint count, values
 *   0xC9       object           varint count, pairs as for short objects
 *   0xCA       time             8 bytes float64 epochMs, then varint zigzag(offsetMinutes)
 *   0xCB-0xDF  (reserved)       CORRUPTION
 *   0xE0-0xFF  integer -32..-1  none (value = tag - 0x100)
 *
 * Object pairs are in the object's own enumeration order, so decoding rebuilds the same key order.
 * Valid iff (1) the version is known; (2) every length and count fits in the remaining bytes;
 * (3) floats are finite; (4) strings and keys are valid UTF-8; (5) no key repeats within an
 * object; (6) nesting is at most MAX_DEPTH; (7) no bytes follow the value. The encoder always
 * picks the shortest form; the decoder also accepts longer ones.
 */
export const VALUE_FORMAT_VERSION = 1;
export const VALUE_TAG = {
  fixintMax: 0x7f,
  fixstr: 0x80,
  fixarray: 0xa0,
  fixobject: 0xb0,
  null: 0xc0,
  false: 0xc1,
  true: 0xc2,
  float64: 0xc3,
  uint: 0xc4,
  nint: 0xc5,
  string: 0xc6,
  binary: 0xc7,
  array: 0xc8,
  object: 0xc9,
  time: 0xca,
  reservedMax: 0xdf,
  negFixint: 0xe0,
} as const;
/** Longest UTF-8 byte length of a short string. */
export const VALUE_FIXSTR_MAX = 31;
/** Largest count of a short array or object. */
export const VALUE_FIXCOUNT_MAX = 15;
/** Longest varint: 8 bytes hold 56 bits, enough for 2^53 - 1. */
export const VALUE_VARINT_MAX_BYTES = 8;
