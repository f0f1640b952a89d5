/**
 * The web view's client: a plain ES module (no bundler, no framework) served at /app.js. It
 * draws the tree from /api/tree, highlights /api/path results, draws the page map from
 * /api/pages, inspects /api/page/<id>, follows /api/events for live stats, and runs /api/bench.
 * Kept in a TypeScript string so the server finds it without locating files on disk; the code
 * avoids template literals for that reason.
 */
export const APP_JS = String.raw`
const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs, text) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
const fmt = (n) => typeof n === 'number' ? n.toLocaleString('en-US') : String(n);
const TYPE_COLORS = { meta: '#ffb454', branch: '#c2d94c', internal: '#c2d94c', leaf: '#39bae6', overflow: '#d2a6ff', blob: '#d2a6ff', free: '#3e4b59', freelist: '#95e6cb', catalog: '#f07178' };
const colorOf = (type) => TYPE_COLORS[type] || '#e6b673';

async function api(path, init) {
  const res = await fetch(path, init);
  const body = await res.json();
  if (!res.ok) throw new Error((body.error && (body.error.code + ': ' + body.error.message)) || res.statusText);
  return body;
}

const state = { table: 'default', tree: null, selectedPage: null };

async function loadInfo() {
  const info = await api('/api/info');
  $('#db-path').textContent = info.path;
  const select = $('#table');
  select.textContent = '';
  for (const t of info.tables) select.append(el('option', { value: t }, t));
  select.value = state.table;
}

async function loadTree() {
  const tree = await api('/api/tree?table=' + encodeURIComponent(state.table));
  state.tree = tree;
  const box = $('#tree');
  box.textContent = '';
  const widest = Math.max(0, ...tree.levels.map((l) => l.length));
  box.classList.toggle('dense', widest > 150);
  tree.levels.forEach((nodes, i) => {
    const row = el('div', { class: 'level', 'data-level': String(i) });
    row.append(el('span', { class: 'level-label' }, 'level ' + i + ' (' + fmt(nodes.length) + ')'));
    for (const n of nodes) {
      const node = el('div', { class: 'node ' + n.kind, 'data-page-id': String(n.pageId), title: 'page ' + n.pageId + ' · ' + n.kind + ' · ' + n.keys + ' keys · first key ' + n.firstKey }, String(n.pageId));
      node.addEventListener('click', () => inspect(n.pageId));
      row.append(node);
    }
    box.append(row);
  });
  if (tree.truncated) box.append(el('p', { class: 'hint' }, 'The drawing stops after the first leaves; search a key to see its path.'));
  box.setAttribute('data-ready', 'true');
}

async function findPath(event) {
  if (event) event.preventDefault();
  const key = $('#key').value;
  const out = $('#path-result');
  out.removeAttribute('data-path');
  for (const n of document.querySelectorAll('#tree .node.on-path')) n.classList.remove('on-path');
  try {
    const r = await api('/api/path?table=' + encodeURIComponent(state.table) + '&key=' + encodeURIComponent(key));
    const ids = r.path.map((n) => n.pageId);
    const missing = [];
    for (const id of ids) {
      const node = document.querySelector('#tree .node[data-page-id="' + id + '"]');
      if (node) node.classList.add('on-path'); else missing.push(id);
    }
    out.textContent = '';
    out.append(el('span', { class: r.found ? 'found' : 'missing' }, r.found ? 'found' : 'not found'));
    out.append(document.createTextNode(' · path ' + ids.join(' → ') + (missing.length ? ' (pages ' + missing.join(', ') + ' are beyond the drawing)' : '')));
    if (r.found) out.append(el('div', { class: 'hint' }, JSON.stringify(r.value).slice(0, 300)));
    out.setAttribute('data-path', ids.join(','));
    if (ids.length) inspect(ids[ids.length - 1]);
  } catch (e) {
    out.textContent = '';
    out.append(el('span', { class: 'error' }, e.message));
    out.setAttribute('data-path', '');
  }
}

async function loadPages() {
  const r = await api('/api/pages');
  const map = $('#page-map');
  map.textContent = '';
  const types = new Set();
  for (const p of r.pages) {
    types.add(p.type);
    const cell = el('div', { class: 'cell' + (p.checksumOk ? '' : ' bad'), 'data-page-id': String(p.id), title: 'page ' + p.id + ' · ' + p.type + ' · ' + Math.round(p.fill * 100) + '% full' + (p.checksumOk ? '' : ' · BAD CHECKSUM') });
    cell.style.background = colorOf(p.type);
    cell.style.opacity = String(0.25 + 0.75 * Math.min(1, Math.max(0, p.fill)));
    cell.addEventListener('click', () => inspect(p.id));
    map.append(cell);
  }
  const legend = $('#page-legend');
  legend.textContent = '';
  for (const t of types) {
    const item = el('span');
    const swatch = el('i');
    swatch.style.background = colorOf(t);
    item.append(swatch, document.createTextNode(t));
    legend.append(item);
  }
  legend.append(el('span', { class: 'hint' }, fmt(r.pageCount) + ' pages of ' + fmt(r.pageSizeBytes) + ' bytes; shade = fill'));
  map.setAttribute('data-ready', 'true');
}

function hexDump(hex, maxBytes) {
  const lines = [];
  const n = Math.min(hex.length / 2, maxBytes);
  for (let at = 0; at < n; at += 16) {
    let h = '';
    let a = '';
    for (let i = at; i < Math.min(at + 16, n); i++) {
      const b = parseInt(hex.substr(i * 2, 2), 16);
      h += hex.substr(i * 2, 2) + ' ';
      a += b >= 32 && b < 127 ? String.fromCharCode(b) : '.';
    }
    lines.push(at.toString(16).padStart(8, '0') + '  ' + h.padEnd(48) + ' |' + a + '|');
  }
  if (n < hex.length / 2) lines.push('… ' + fmt(hex.length / 2 - n) + ' more bytes');
  return lines.join('\n');
}

async function inspect(id) {
  const box = $('#inspector');
  for (const c of document.querySelectorAll('.page-map .cell.selected')) c.classList.remove('selected');
  const cell = document.querySelector('.page-map .cell[data-page-id="' + id + '"]');
  if (cell) cell.classList.add('selected');
  try {
    const r = await api('/api/page/' + id);
    box.textContent = '';
    const table = el('table');
    const rows = Object.assign({}, r.page, { fill: (r.page.fill * 100).toFixed(1) + '%', sizeBytes: r.sizeBytes });
    if (r.node) Object.assign(rows, { 'tree table': r.node.table, 'tree level': r.node.level, 'node kind': r.node.kind, 'node keys': r.node.keys, 'first key': r.node.firstKey, parent: r.node.parent === undefined ? '(root)' : r.node.parent });
    for (const [k, v] of Object.entries(rows)) {
      const tr = el('tr');
      tr.append(el('td', {}, k), el('td', {}, String(v)));
      table.append(tr);
    }
    box.append(table);
    if (r.node && r.node.entries) {
      box.append(el('h3', {}, 'Entries (' + r.node.entries.length + ')'));
      const list = el('table', { class: 'entries' });
      for (const e of r.node.entries) {
        const tr = el('tr');
        tr.append(el('td', {}, e.key), el('td', { class: 'dim' }, e.value));
        list.append(tr);
      }
      box.append(list);
    }
    if (r.node && r.node.children) {
      box.append(el('h3', {}, 'Children (' + r.node.children.length + ')'));
      const list = el('table', { class: 'entries' });
      for (const c of r.node.children) {
        const tr = el('tr');
        const link = el('a', { href: '#' }, 'page ' + c.pageId);
        link.addEventListener('click', (ev) => { ev.preventDefault(); inspect(c.pageId); });
        const td = el('td');
        td.append(link);
        tr.append(td, el('td', {}, c.firstKey), el('td', { class: 'dim' }, c.keys + ' keys'));
        list.append(tr);
      }
      box.append(list);
    }
    box.append(el('h3', {}, 'Bytes'), el('pre', { class: 'hex' }, hexDump(r.hex, 1024)));
    box.setAttribute('data-page-id', String(id));
  } catch (e) {
    box.textContent = '';
    box.append(el('p', { class: 'error' }, e.message));
  }
}

function followStats() {
  const live = $('#live');
  const source = new EventSource('/api/events');
  source.addEventListener('stats', (ev) => {
    const s = JSON.parse(ev.data).stats;
    live.textContent = '';
    const parts = [['entries', s.entries], ['pages', s.pageCount], ['free', s.freePages], ['commits', s.commits], ['fsyncs', s.fsyncs], ['LSN', s.lastLsn], ['cache hits', s.cacheHits]];
    parts.forEach(([k, v], i) => {
      if (i) live.append(document.createTextNode(' · '));
      live.append(document.createTextNode(k + ' '), el('b', {}, fmt(v)));
    });
    live.setAttribute('data-updates', String(Number(live.getAttribute('data-updates') || 0) + 1));
  });
  source.addEventListener('error', () => live.setAttribute('data-disconnected', 'true'));
}

async function runBench(event) {
  event.preventDefault();
  const out = $('#bench-result');
  out.textContent = 'running…';
  $('#bench-run').disabled = true;
  try {
    const r = await api('/api/bench', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: Number($('#bench-n').value), workloads: $('#bench-workloads').value }) });
    const table = el('table');
    const head = el('tr');
    for (const h of ['workload', 'ops', 'ops/s', 'MB/s', 'p50 µs', 'p99 µs']) head.append(el('th', { class: h === 'workload' ? '' : 'num' }, h));
    table.append(head);
    for (const f of r.figures) {
      const tr = el('tr');
      tr.append(el('td', {}, f.workload));
      for (const v of [fmt(f.ops), fmt(f.opsPerSec), f.mbPerSec.toFixed(2), f.p50Us.toFixed(1), f.p99Us.toFixed(1)]) tr.append(el('td', { class: 'num' }, v));
      table.append(tr);
    }
    out.textContent = '';
    out.append(table);
  } catch (e) {
    out.textContent = '';
    out.append(el('p', { class: 'error' }, e.message));
  } finally {
    $('#bench-run').disabled = false;
  }
}

async function main() {
  $('#search').addEventListener('submit', findPath);
  $('#bench-form').addEventListener('submit', runBench);
  $('#table').addEventListener('change', async () => {
    state.table = $('#table').value;
    await loadTree();
  });
  await loadInfo();
  await Promise.all([loadTree(), loadPages()]);
  followStats();
  document.body.setAttribute('data-ready', 'true');
}

main().catch((e) => {
  document.body.setAttribute('data-error', e.message);
  document.body.prepend(el('p', { class: 'error' }, e.message));
});
`;
