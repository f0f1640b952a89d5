import { describe, expect, it } from '@jest/globals';
import { mutantActive, setMutants } from '@photondb/contracts';

describe('mutants', () => {
  it('are off unless switched on, and setMutants replaces the whole set', () => {
    expect(mutantActive('wal-skip-datasync')).toBe(false);
    setMutants(['wal-skip-datasync']);
    expect(mutantActive('wal-skip-datasync')).toBe(true);
    expect(mutantActive('engine-late-snapshot')).toBe(false);
    setMutants([]);
    expect(mutantActive('wal-skip-datasync')).toBe(false);
  });
});
