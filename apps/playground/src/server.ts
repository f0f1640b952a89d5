/**
 * The local web view's HTTP server (`node:http`, no framework), bound to 127.0.0.1 only.
 *
 *   GET  /, /app.js, /style.css     the page (plain ES module, no bundler)
 *   GET  /api/info                  path, tables, page size
 *   GET  /api/stats                 the stat report (as `photon stat --json`)
 *   GET  /api/tree?table=&maxLeaves= the tree level by level (tree-view.ts)
 *   GET  /api/path?table=&key=&encoding=utf8|hex  the nodes a lookup of key visits, and the value
 *   GET  /api/pages?limit=          the page map (every page's description)
 *   GET  /api/page/<id>             one page: description, hex, and its place in the tree
 *   GET  /api/scan?table=&prefix=&limit=  a few entries, for browsing
 *   GET  /api/events?intervalMs=    server-sent events: `stats` every interval
 *   POST /api/bench {n, workloads}  runs `photon bench` workloads on temporary databases
 * Requests whose Host header is not a loopback name are refused (403), so a web page elsewhere
 * cannot reach the database through DNS rebinding. Errors are JSON `{ error: { code, message } }`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPhotonError } from '@photondb/contracts';
import { DEFAULT_TABLE } from '@photondb/engine';
import { parseWorkloads, runBench } from './commands/bench.js';
import { allTables, checkPageId, checkTable, describePage, describePages, keyPath, pageCount, rawPage, statReport } from './inspect.js';
import type { RawDB } from './open-database.js';
import { toHex, toJson, truncate } from './text-output.js';
import { treeLevels } from './tree-view.js';
import type { TreeLevels, TreeNodeView } from './tree-view.js';
import { isUsageError, UsageError } from './usage-error.js';
import { checkKeyFormat, fromHex, parseKey, renderKey, renderValue, valueToJson } from './value-format.js';
import { APP_JS } from './web/app-js.js';
import { INDEX_HTML } from './web/index-html.js';
import { STYLE_CSS } from './web/style-css.js';

/** Options of `startServer`. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one (default 7070). */
  readonly port?: number;
  /** Interval of the live stats events (default 1000 ms). */
  readonly statsIntervalMs?: number;
}

/** A running playground server. */
export interface PlaygroundServer {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  /** Stops accepting, ends event streams, and resolves when the server is closed. */
  close(): Promise<void>;
}

const STATIC: Readonly<Record<string, readonly [string, string]>> = {
  '/': ['text/html; charset=utf-8', INDEX_HTML],
  '/index.html': ['text/html; charset=utf-8', INDEX_HTML],
  '/app.js': ['text/javascript; charset=utf-8', APP_JS],
  '/style.css': ['text/css; charset=utf-8', STYLE_CSS],
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Starts the server on 127.0.0.1. The database stays owned by the caller. */
export async function startServer(db: RawDB, options: ServeOptions = {}): Promise<PlaygroundServer> {
  const streams = new Set<ServerResponse>();
  // The drawing is cached until the next commit or checkpoint (either can move nodes to new pages).
  const treeCache = new Map<string, { version: string; tree: TreeLevels }>();
  const cachedTree = (table: string, maxLeaves: number): TreeLevels => {
    const s = db.stats();
    const version = `${s.lastLsn}/${s.checkpoints}/${s.checkpointLsn}`;
    const key = `${table}\u0000${maxLeaves}`;
    const hit = treeCache.get(key);
    if (hit && hit.version === version) return hit.tree;
    const tree = treeLevels(db, table, maxLeaves);
    treeCache.set(key, { version, tree });
    return tree;
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => sendError(res, e));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!LOOPBACK_HOSTS.has(host)) return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'only loopback hosts may use this server' } });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const asset = STATIC[url.pathname];
    if (asset && req.method === 'GET') return sendText(res, 200, asset[0], asset[1]);
    const q = url.searchParams;
    const table = (): string => checkTable(db, q.get('table') || DEFAULT_TABLE);
    const limit = (name: string, fallback: number, max: number): number => {
      const raw = q.get(name);
      const n = raw === null ? fallback : Number(raw);
      if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${name} must be a whole number from 0 to ${max}`);
      return n;
    };
    switch (url.pathname) {
      case '/api/info':
        return sendJson(res, 200, { path: db.path, tables: allTables(db), pageSizeBytes: db.stats().pageSizeBytes, pageCount: pageCount(db) });
      case '/api/stats':
        return sendJson(res, 200, statReport(db));
      case '/api/tree':
        return sendJson(res, 200, cachedTree(table(), limit('maxLeaves', 2000, 100_000)));
      case '/api/path': {
        const t = table();
        const format = checkKeyFormat(q.get('encoding') || 'utf8');
        const keyText = q.get('key');
        if (keyText === null) throw new UsageError('key is required');
        const key = parseKey(keyText, format);
        const source = t === DEFAULT_TABLE ? db : db.table(t);
        const value = source.getSync(key);
        return sendJson(res, 200, { table: t, key: keyText, found: value !== undefined, value: value === undefined ? null : valueToJson(value, 'auto'), path: keyPath(db, t, key) });
      }
      case '/api/pages': {
        const n = limit('limit', 20000, 1_000_000);
        return sendJson(res, 200, { pageCount: pageCount(db), pageSizeBytes: db.stats().pageSizeBytes, pages: describePages(db, 0, n) });
      }
      case '/api/scan': {
        const t = table();
        const source = t === DEFAULT_TABLE ? db : db.table(t);
        const prefix = q.get('prefix');
        const entries: { key: string; value: unknown }[] = [];
        for (const [k, v] of source.scan({ ...(prefix ? { prefix: parseKey(prefix, 'utf8') } : {}), limit: limit('limit', 20, 1000) })) {
          entries.push({ key: renderKey(k, 'utf8'), value: valueToJson(v, 'auto') });
        }
        return sendJson(res, 200, { table: t, entries });
      }
      case '/api/events':
        return openEvents(req, res, limit('intervalMs', options.statsIntervalMs ?? 1000, 60_000));
      case '/api/bench':
        if (req.method !== 'POST') return sendJson(res, 405, { error: { code: 'METHOD', message: 'POST a JSON body {n, workloads}' } });
        return bench(req, res);
      default:
        break;
    }
    const page = /^\/api\/page\/(\d+)$/.exec(url.pathname);
    if (page) {
      const id = checkPageId(db, page[1]);
      const bytes = rawPage(db, id);
      return sendJson(res, 200, { page: describePage(db, id), sizeBytes: bytes.length, hex: toHex(bytes), node: decodeNode(findNode(id)) });
    }
    return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${url.pathname}` } });
  };

  const findNode = (id: number): TreeNodeView & { table: string } | null => {
    for (const t of allTables(db)) {
      const tree = cachedTree(t, 2000);
      for (const level of tree.levels) for (const n of level) if (n.pageId === id) return { ...n, table: t };
    }
    return null;
  };

  /** A tree node's logical contents: a leaf's entries, or a branch's children and their first keys. */
  const decodeNode = (node: (TreeNodeView & { table: string }) | null): unknown => {
    if (node === null) return null;
    if (node.kind === 'leaf') {
      const source = node.table === DEFAULT_TABLE ? db : db.table(node.table);
      const entries: { key: string; value: string }[] = [];
      for (const [k, v] of source.scan({ gte: fromHex(node.firstKeyHex), limit: Math.min(node.keys, 200) })) {
        entries.push({ key: renderKey(k, 'utf8'), value: truncate(renderValue(v, 'auto'), 160) });
      }
      return { ...node, entries };
    }
    const below = cachedTree(node.table, 2000).levels[node.level + 1] ?? [];
    return { ...node, children: below.filter((c) => c.parent === node.pageId).map((c) => ({ pageId: c.pageId, firstKey: c.firstKey, keys: c.keys })) };
  };

  const openEvents = (req: IncomingMessage, res: ServerResponse, intervalMs: number): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    streams.add(res);
    let seq = 0;
    const push = (): void => {
      try {
        const r = statReport(db);
        res.write(`id: ${++seq}\nevent: stats\ndata: ${toJson({ stats: r.stats, files: r.files, at: Date.now() })}\n\n`);
      } catch (e) {
        res.write(`event: failure\ndata: ${toJson({ message: (e as Error).message })}\n\n`);
      }
    };
    push();
    const timer = setInterval(push, Math.max(100, intervalMs));
    const stop = (): void => {
      clearInterval(timer);
      streams.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  };

  const bench = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, 10_000);
    let parsed: { n?: unknown; workloads?: unknown };
    try {
      parsed = body ? (JSON.parse(body) as typeof parsed) : {};
    } catch {
      throw new UsageError('the body must be JSON');
    }
    const n = parsed.n === undefined ? 2000 : Number(parsed.n);
    if (!Number.isInteger(n) || n < 1 || n > 200_000) throw new UsageError('n must be a whole number from 1 to 200,000');
    const workloads = parseWorkloads(Array.isArray(parsed.workloads) ? parsed.workloads.join(',') : typeof parsed.workloads === 'string' ? parsed.workloads : undefined);
    const figures = await runBench({ n, workloads });
    return sendJson(res, 200, { n, figures });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7070, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new UsageError(`the body is larger than ${maxBytes} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendText(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendText(res, status, 'application/json; charset=utf-8', toJson(value));
}

function sendError(res: ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (isUsageError(e)) return sendJson(res, 400, { error: { code: 'INVALID_ARGUMENT', message: e.message } });
  if (isPhotonError(e)) {
    const status = e.code === 'NOT_FOUND' ? 404 : e.code === 'INVALID_ARGUMENT' || e.code === 'TOO_LARGE' ? 400 : 500;
    return sendJson(res, status, { error: { code: e.code, message: e.message } });
  }
  sendJson(res, 500, { error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } });
}
