import { describe, expect, it } from '@jest/globals';
import { decodeLockFile, encodeLockFile, MAX_LOCK_FILE_BYTES } from './format.js';

describe('lock file format', () => {
  it('golden lock file v1: pid and host on two lines', () => {
    const bytes = encodeLockFile({ pid: 4242, host: 'db-1' });
    expect(Buffer.from(bytes).toString('hex')).toBe('343234320a64622d310a');
    expect(decodeLockFile(bytes)).toEqual({ pid: 4242, host: 'db-1' });
  });

  it('keeps a host name on one line', () => {
    expect(decodeLockFile(encodeLockFile({ pid: 7, host: 'a\nb' }))).toEqual({ pid: 7, host: 'a b' });
  });

  it('treats empty, zero-filled, torn, oversized and out-of-range files as invalid', () => {
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(decodeLockFile(new Uint8Array(0))).toBeUndefined();
    expect(decodeLockFile(new Uint8Array(16))).toBeUndefined();
    expect(decodeLockFile(text('4242\n'))).toBeUndefined();
    expect(decodeLockFile(text('0\nh\n'))).toBeUndefined();
    expect(decodeLockFile(text('-5\nh\n'))).toBeUndefined();
    expect(decodeLockFile(text('99999999999\nh\n'))).toBeUndefined();
    expect(decodeLockFile(text(`1\n${'h'.repeat(MAX_LOCK_FILE_BYTES)}\n`))).toBeUndefined();
  });
});
