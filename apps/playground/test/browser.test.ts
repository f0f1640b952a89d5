/**
 * The web page in a real headless browser: Debian's Chromium driven by playwright-core. Loads the
 * page for a seeded database, searches a key, and checks that the highlighted nodes are exactly
 * the B-tree's `.path` for that key, root first; then saves a screenshot under the OS temp dir.
 * If the browser cannot start the test fails (it never skips).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { keyPath, pageCount } from '../src/inspect.js';
import { openDatabase } from '../src/open-database.js';
import type { RawDB } from '../src/open-database.js';
import { startServer } from '../src/server.js';
import type { PlaygroundServer } from '../src/server.js';
import { seedDatabase } from './helpers/seed.js';

const CHROMIUM = process.env.PHOTON_CHROMIUM ?? '/usr/bin/chromium';

let db: RawDB;
let srv: PlaygroundServer;
let browser: BrowserContext;

beforeAll(async () => {
  db = await openDatabase(await seedDatabase(1500));
  srv = await startServer(db, { port: 0, statsIntervalMs: 200 });
  // A fresh profile per run: playwright passes it to Chromium as --user-data-dir.
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'photon-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
    timeout: 30_000,
  });
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  await db?.close();
});

describe('web view in Chromium', () => {
  it('highlights exactly the lookup path of a searched key and shows live stats', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(srv.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(await page.locator('#page-map .cell').count()).toBe(pageCount(db));

    const key = 'user:000123';
    await page.fill('#key', key);
    await page.click('#find');
    await page.waitForSelector('#path-result[data-path]');
    const highlighted = await page.$$eval('#tree .node.on-path', (nodes) => nodes.map((n) => Number(n.getAttribute('data-page-id'))));
    const expected = keyPath(db, 'default', new TextEncoder().encode(key)).map((n) => n.pageId);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(highlighted).toEqual(expected);
    expect(await page.getAttribute('#path-result', 'data-path')).toBe(expected.join(','));
    expect(await page.textContent('#path-result')).toContain('found');

    await page.waitForSelector(`#inspector[data-page-id="${expected[expected.length - 1]}"]`);
    expect(await page.textContent('#inspector pre.hex')).toMatch(/^00000000 {2}/);
    expect(await page.$$eval('#inspector table.entries td:first-child', (tds) => tds.map((td) => td.textContent))).toContain(key);
    await page.waitForSelector('#live[data-updates]');
    expect(await page.textContent('#live')).toContain('entries 1,503');

    const shot = join(mkdtempSync(join(tmpdir(), 'photon-screenshot-')), 'playground.png');
    await page.screenshot({ path: shot, fullPage: true });
    process.stdout.write(`screenshot: ${shot}\n`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
