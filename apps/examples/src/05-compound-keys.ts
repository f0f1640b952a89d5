/**
 * Example 5: `@photondb/datum`'s key codec as an order-preserving codec for compound keys. Sorting
 * the encoded bytes sorts the values (numbers numerically, then strings), and a key prefix
 * becomes a byte range, so "every order of customer 7" is one range scan in any byte-ordered store.
 */
import { compareDatum, decodeKey, encodeKey, keyRangeForPrefix } from '@photondb/datum';
import type { Datum } from '@photondb/datum';

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export async function main(log: (line: string) => void = console.log): Promise<string[]> {
  const keys: Datum[] = [['customer', 10, 'order', 1], ['customer', 7, 'order', 12], ['customer', 7, 'order', 2], ['customer', 7, 'profile'], ['customer', -3.5, 'order', 1]];
  const byBytes = keys.map((k) => encodeKey(k)).sort(compareBytes).map((b) => decodeKey(b));
  const byValue = [...keys].sort(compareDatum);
  const same = JSON.stringify(byBytes) === JSON.stringify(byValue);
  const { gte, lt } = keyRangeForPrefix(['customer', 7, 'order']);
  const ofSeven = keys.map((k) => encodeKey(k)).filter((b) => compareBytes(b, gte) >= 0 && compareBytes(b, lt) < 0).sort(compareBytes).map((b) => JSON.stringify(decodeKey(b)));
  log(`byte order equals value order: ${same}`);
  log(`orders of customer 7: ${ofSeven.join(' ')}`);
  return [String(same), ...ofSeven];
}
