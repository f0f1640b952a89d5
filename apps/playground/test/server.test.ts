/** The web view's HTTP API on port 0, against a seeded database. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { keyPath, pageCount } from '../src/inspect.js';
import { openDatabase } from '../src/open-database.js';
import type { RawDB } from '../src/open-database.js';
import { startServer } from '../src/server.js';
import type { PlaygroundServer } from '../src/server.js';
import { treeLevels } from '../src/tree-view.js';
import { seedDatabase } from './helpers/seed.js';

let db: RawDB;
let srv: PlaygroundServer;

async function get(path: string): Promise<{ status: number; body: ReturnType<typeof JSON.parse> }> {
  const res = await fetch(srv.url + path.replace(/^\//, ''));
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  db = await openDatabase(await seedDatabase(1500));
  srv = await startServer(db, { port: 0, statsIntervalMs: 100 });
});

afterAll(async () => {
  await srv.close();
  await db.close();
});

describe('HTTP API', () => {
  it('listens on 127.0.0.1 only, on the port the OS chose', () => {
    const address = srv.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
    expect(srv.port).toBeGreaterThan(0);
  });

  it('serves the page, its stylesheet and its ES module', async () => {
    const html = await fetch(srv.url);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('<script type="module" src="/app.js">');
    const js = await fetch(srv.url + 'app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toContain("new EventSource('/api/events')");
    expect((await fetch(srv.url + 'style.css')).status).toBe(200);
  });

  it('returns info and stats', async () => {
    const info = await get('/api/info');
    expect(info.body).toMatchObject({ path: db.path, tables: ['default', 'events'], pageSizeBytes: 4096 });
    const stats = await get('/api/stats');
    expect(stats.body.stats.entries).toBe(1503);
  });

  it('returns the path of a key, matching BTree.path, with the value', async () => {
    const r = await get('/api/path?key=user:000007');
    expect(r.status).toBe(200);
    expect(r.body.found).toBe(true);
    expect(r.body.value.id).toBe(7);
    expect(r.body.path).toEqual(keyPath(db, 'default', new TextEncoder().encode('user:000007')));
    const missing = await get('/api/path?key=zzz');
    expect(missing.body.found).toBe(false);
    expect(missing.body.path.length).toBeGreaterThan(0);
  });

  it('returns the tree level by level with the root alone on top', async () => {
    const r = await get('/api/tree');
    expect(r.body).toEqual(JSON.parse(JSON.stringify(treeLevels(db, 'default', 2000))));
    expect(r.body.levels[0]).toHaveLength(1);
    expect(r.body.entries).toBe(1500);
  });

  it('returns the page map and one page with its hex and tree position', async () => {
    const pages = await get('/api/pages');
    expect(pages.body.pages).toHaveLength(pageCount(db));
    const root = (await get('/api/tree')).body.levels[0][0];
    const page = await get(`/api/page/${root.pageId}`);
    expect(page.body.page.id).toBe(root.pageId);
    expect(page.body.hex).toHaveLength(page.body.sizeBytes * 2);
    expect(page.body.node).toMatchObject({ table: 'default', level: 0 });
    expect(page.body.node.children.length).toBeGreaterThan(1);
  });

  it('decodes a leaf page into its entries', async () => {
    const path = (await get('/api/path?key=user:000007')).body.path;
    const leaf = await get(`/api/page/${path[path.length - 1].pageId}`);
    expect(leaf.body.node.kind).toBe(path[path.length - 1].kind);
    const keys = leaf.body.node.entries.map((e: { key: string }) => e.key);
    expect(keys).toContain('user:000007');
    expect(keys).toHaveLength(leaf.body.node.keys);
  });

  it('answers bad input with 400 and unknown things with 404, as JSON errors', async () => {
    expect((await get('/api/page/99999999')).status).toBe(400);
    expect((await get('/api/tree?table=nope')).status).toBe(400);
    expect((await get('/api/path')).body.error.message).toBe('key is required');
    const r = await get('/api/nothing');
    expect(r).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'no route /api/nothing' } } });
  });

  it('refuses requests whose Host is not a loopback name', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: srv.port, path: '/api/info', headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('pushes stats as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(srv.url + 'api/events', { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while ((text.match(/event: stats/g) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const first = /data: (.*)\n/.exec(text)![1];
    expect(JSON.parse(first).stats.entries).toBe(1503);
  });

  it('runs a small bench on temporary databases', async () => {
    const res = await fetch(srv.url + 'api/bench', { method: 'POST', body: JSON.stringify({ n: 50, workloads: ['fillseq', 'readrandom'] }) });
    const body = (await res.json()) as { figures: { workload: string }[] };
    expect(body.figures.map((f: { workload: string }) => f.workload)).toEqual(['fillseq', 'readrandom']);
    expect(db.count()).toBe(1500);
  });
});

describe('tree drawing', () => {
  it('finds every leaf once, each under a parent of the level above', () => {
    const t = treeLevels(db, 'default');
    expect(t.truncated).toBe(false);
    const ids = t.levels.flat().map((n) => n.pageId);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < t.levels.length; i++) {
      const above = new Set(t.levels[i - 1].map((n) => n.pageId));
      for (const n of t.levels[i]) expect(above.has(n.parent!)).toBe(true);
    }
    const leaves = t.levels[t.levels.length - 1];
    expect(leaves.reduce((s, n) => s + n.keys, 0)).toBe(1500);
  });

  it('cuts a large walk at maxLeaves and says so', () => {
    const t = treeLevels(db, 'default', 2);
    expect(t.truncated).toBe(true);
    expect(t.levels[t.levels.length - 1]).toHaveLength(2);
  });
});
