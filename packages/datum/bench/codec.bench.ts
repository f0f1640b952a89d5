/**
 * Codec benchmarks: encodeValue/decodeValue against JSON.stringify + TextEncoder and
 * TextDecoder + JSON.parse on small, medium and large documents (bench/docs.ts), plus encodeKey,
 * decodeKey and compareDatum on compound keys. Each case reports bytes per op (MB/s) of its own
 * encoding; the sizes are printed first.
 */
import { runSuite } from '@photondb-tools/bench';
import { compareBytes, compareDatum, decodeKey, decodeValue, encodeKey, encodeValue, getField } from '../src/index.js';
import type { Datum } from '../src/index.js';
import { largeDoc, mediumDoc, smallDoc } from './docs.js';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
let sink: unknown;

const docs: [string, Datum][] = [
  ['small', smallDoc],
  ['medium', mediumDoc],
  ['large', largeDoc],
];

const cases = docs.flatMap(([name, doc]) => {
  const value = encodeValue(doc);
  const json = textEncoder.encode(JSON.stringify(doc));
  console.log(`${name} document: datum value ${value.length} bytes, JSON ${json.length} bytes (${((100 * value.length) / json.length).toFixed(0)}%)`);
  return [
    { name: `encodeValue ${name}`, bytesPerOp: value.length, fn: () => void (sink = encodeValue(doc)) },
    { name: `JSON.stringify+TextEncoder ${name}`, bytesPerOp: json.length, fn: () => void (sink = textEncoder.encode(JSON.stringify(doc))) },
    { name: `decodeValue ${name}`, bytesPerOp: value.length, fn: () => void (sink = decodeValue(value)) },
    { name: `TextDecoder+JSON.parse ${name}`, bytesPerOp: json.length, fn: () => void (sink = JSON.parse(textDecoder.decode(json))) },
  ];
});

const mediumBytes = encodeValue(mediumDoc);
const keys: Datum[] = Array.from({ length: 1000 }, (_, i) => ['customer', i % 97, 'order', i * 7919 % 1000, `sku-${i}`]);
const encodedKeys = keys.map((k) => encodeKey(k));
let ki = 0;

await runSuite('@photondb/datum', [
  ...cases,
  { name: 'getField medium (last field)', fn: () => void (sink = getField(mediumBytes, 'total')) },
  { name: 'encodeKey compound (5 elements)', opsPerCall: 1000, fn: () => { for (const k of keys) sink = encodeKey(k); } },
  { name: 'decodeKey compound (5 elements)', opsPerCall: 1000, fn: () => { for (const k of encodedKeys) sink = decodeKey(k); } },
  { name: 'compareDatum compound', opsPerCall: 1000, fn: () => { for (let i = 0; i < 1000; i++) sink = compareDatum(keys[i], keys[(i + ++ki) % 1000]); } },
  { name: 'compareBytes encoded compound', opsPerCall: 1000, fn: () => { for (let i = 0; i < 1000; i++) sink = compareBytes(encodedKeys[i], encodedKeys[(i + ++ki) % 1000]); } },
]);
void sink;
