import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compress } from 'snappyjs';
import { fcRuns } from '@photondb/contracts/testing';
import { compressPayload, decodeSnappyInto } from './snappy.js';

describe('snappy decoding', () => {
  it('refuses the stream 0a fc fa ff ff ff that makes snappyjs loop forever', () => {
    const out = new Uint8Array(10);
    expect(decodeSnappyInto(Uint8Array.of(0x0a, 0xfc, 0xfa, 0xff, 0xff, 0xff), out)).toEqual(expect.any(String));
  });

  it('refuses the stream ff ff ff ff 07 that makes snappyjs allocate 2 GiB', () => {
    expect(decodeSnappyInto(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x07), new Uint8Array(100))).toMatch(/declares/);
  });

  it('refuses a truncated stream (declares 100 bytes, supplies 3) instead of zero-padding it', () => {
    expect(decodeSnappyInto(Uint8Array.of(100, 0x08, 1, 2, 3), new Uint8Array(100))).toMatch(/ends after 3/);
  });

  it('refuses copies that reach before the start of the output', () => {
    // length 8, literal "ab", then copy-1 of 4 bytes at offset 5.
    expect(decodeSnappyInto(Uint8Array.of(8, 0x04, 0x61, 0x62, 0x01, 0x05), new Uint8Array(8))).toMatch(/offset/);
  });

  it('decodes whatever snappyjs compresses, byte for byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(40), (random, repeat) => {
        const input = new Uint8Array(random.length * (1 + (repeat % 3)));
        for (let i = 0; i < input.length; i++) input[i] = random[i % Math.max(1, random.length)] ?? 0;
        const stream = compress(input);
        const out = new Uint8Array(input.length);
        expect(decodeSnappyInto(stream, out)).toBeUndefined();
        expect(out).toEqual(input);
      }),
      { numRuns: fcRuns(100) },
    );
  });

  it('never throws, hangs or writes out of bounds on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(300), (stream, length) => {
        const backing = new Uint8Array(length + 16);
        const out = backing.subarray(8, 8 + length);
        const result = decodeSnappyInto(stream, out);
        expect(result === undefined || typeof result === 'string').toBe(true);
        expect(backing.subarray(0, 8).every((b) => b === 0) && backing.subarray(8 + length).every((b) => b === 0)).toBe(true);
      }),
      { numRuns: fcRuns(300) },
    );
  });

  it('stores a payload compressed only when that makes it shorter', () => {
    expect(compressPayload(new Uint8Array(1000), 4000)?.length).toBeLessThan(100);
    let x = 12345;
    const random = new Uint8Array(1000).map(() => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24));
    expect(compressPayload(random, 4000)).toBeUndefined();
    expect(compressPayload(new Uint8Array(10), 4000)).toBeUndefined();
  });
});

describe('decodeSnappyInto on truncated and overlong elements', () => {
  const decode = (bytes: number[], outLength: number): string | undefined => decodeSnappyInto(Uint8Array.from(bytes), new Uint8Array(outLength));

  it('refuses a literal whose length bytes are missing', () => {
    expect(decode([70, 0xf0], 70)).toMatch(/literal length runs past the input/);
  });

  it('refuses a literal longer than the declared output', () => {
    expect(decode([2, (5 - 1) << 2, 1, 2, 3, 4, 5], 2)).toMatch(/literal runs past the output/);
  });

  it('refuses each copy form when its offset bytes are missing', () => {
    expect(decode([8, 0x04, 0x61, 0x62, 0x01], 8)).toMatch(/copy runs past the input/); // 1-byte offset
    expect(decode([8, 0x04, 0x61, 0x62, 0x02, 0x01], 8)).toMatch(/copy runs past the input/); // 2-byte offset
    expect(decode([8, 0x04, 0x61, 0x62, 0x03, 0x01, 0x00], 8)).toMatch(/copy runs past the input/); // 4-byte offset
  });

  it('refuses a copy longer than the declared output', () => {
    // literal "ab", then a 2-byte-offset copy of 10 bytes at offset 2, into 8 bytes of output
    expect(decode([8, 0x04, 0x61, 0x62, ((10 - 1) << 2) | 2, 2, 0], 8)).toMatch(/copy runs past the output/);
  });

  it('decodes a long copy that does not overlap its source in one step', () => {
    const literal = Array.from({ length: 40 }, (_, i) => i + 1);
    // literal of 40 bytes (tag: (40 - 1) << 2), then copy 40 bytes from offset 40 (2-byte offset form)
    const stream = [80, (40 - 1) << 2, ...literal, ((40 - 1) << 2) | 2, 40, 0];
    const out = new Uint8Array(80);
    expect(decodeSnappyInto(Uint8Array.from(stream), out)).toBeUndefined();
    expect([...out]).toEqual([...literal, ...literal]);
  });
});
