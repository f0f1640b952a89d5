/** Seeded test databases written through the engine's public API, as an application would. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from '@photondb/engine';
import { sampleRows } from '../../src/sample-data.js';

/** A fresh empty directory under the OS temp dir. */
export function tempDir(label = 'photon-test-'): string {
  return mkdtempSync(join(tmpdir(), label));
}

/**
 * Creates a database with `rows` sample documents (utf8 keys, datum values, 4 KiB pages so the
 * tree has several levels) and a table "events" with 3 rows. Returns its directory.
 */
export async function seedDatabase(rows = 2000, dir = join(tempDir(), 'db')): Promise<string> {
  const db = await open<string, unknown>(dir, { keyEncoding: 'utf8', valueEncoding: 'datum', pageSizeBytes: 4096 });
  try {
    let batch: { type: 'put'; key: string; value: unknown }[] = [];
    for (const row of sampleRows(rows)) {
      batch.push({ type: 'put', key: row.key, value: row.value });
      if (batch.length === 500) {
        await db.batch(batch);
        batch = [];
      }
    }
    if (batch.length) await db.batch(batch);
    const events = await db.createTable('events');
    for (let i = 1; i <= 3; i++) await events.set(`event:${i}`, { kind: 'login', n: i });
  } finally {
    await db.close();
  }
  return dir;
}
