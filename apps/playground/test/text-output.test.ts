import { describe, expect, it } from '@jest/globals';
import { formatBytes, formatDuration, formatFields, formatNumber, formatTable, hexDump, toHex, toJson, truncate } from '../src/text-output.js';
import { tokenize, restAfterWords } from '../src/tokenize.js';
import { UsageError } from '../src/usage-error.js';

describe('text output', () => {
  it('formats numbers, bytes and durations for humans', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(formatDuration(0.5)).toBe('0.50 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
  });

  it('aligns table columns, right-aligning numbers', () => {
    const t = formatTable([{ a: 'x', n: 5 }, { a: 'longer', n: 1234 }], [
      { header: 'name', value: (r) => r.a },
      { header: 'n', value: (r) => formatNumber(r.n), align: 'right' },
    ]);
    expect(t).toBe('name        n\n------  -----\nx           5\nlonger  1,234\n');
  });

  it('cuts long cells with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });

  it('aligns field lists on the colon', () => {
    expect(formatFields({ a: 1, long: 'x' })).toBe('a:    1\nlong: x\n');
  });

  it('dumps bytes as hex with offsets and printable ASCII', () => {
    const bytes = new Uint8Array([0x50, 0x48, 0x00, 0xff, ...new Array(14).fill(0x41)]);
    const dump = hexDump(bytes);
    expect(dump.split('\n')[0]).toBe('00000000  50 48 00 ff 41 41 41 41 41 41 41 41 41 41 41 41  |PH..AAAAAAAAAAAA|');
    expect(dump.split('\n')[1]).toMatch(/^00000010  41 41 +\|AA\|$/);
    expect(hexDump(bytes, 4)).toContain('… 14 more bytes');
  });

  it('renders Uint8Arrays and bigints in JSON', () => {
    expect(toHex(new Uint8Array([1, 171]))).toBe('01ab');
    expect(toJson({ b: new Uint8Array([1, 2]), n: 5n })).toBe('{"b":{"$hex":"0102"},"n":5}');
  });
});

describe('REPL line tokenizer', () => {
  it('splits on whitespace and keeps quoted words together', () => {
    expect(tokenize('put "user 1"  \'a b\' x')).toEqual(['put', 'user 1', 'a b', 'x']);
    expect(tokenize('put k "say \\"hi\\""')).toEqual(['put', 'k', 'say "hi"']);
    expect(tokenize('   ')).toEqual([]);
  });

  it('rejects an unterminated quote', () => {
    expect(() => tokenize('get "abc')).toThrow(UsageError);
  });

  it('returns the untouched rest of a line after n words', () => {
    expect(restAfterWords('put "my key" {"a": [1, 2]}', 2)).toBe('{"a": [1, 2]}');
  });
});
