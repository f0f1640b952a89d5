/**
 * The B-tree drawn level by level, built only from `BTree.path(key)` (the nodes a lookup visits,
 * root first): walking the keys in order and asking for the path of the first key of each leaf
 * finds every node once, in key order, with its parent. When the path reports the leaf's key
 * count and the slot of the key, the walk skips the rest of that leaf's keys, so the cost is one
 * path lookup per leaf plus one step per entry. Large trees are cut after `maxLeaves` leaves.
 */
import { DEFAULT_TABLE } from '@photondb/engine';
import { keyPath } from './inspect.js';
import type { RawDB } from './open-database.js';
import { formatNumber, toHex } from './text-output.js';
import { renderKey } from './value-format.js';

/** One node of the drawing. */
export interface TreeNodeView {
  /** The node's page; null for a node changed since the last checkpoint (not written yet). */
  readonly pageId: number | null;
  readonly level: number;
  readonly kind: string;
  readonly keys: number;
  /** The page id of the parent node (undefined for the root; null when the parent is unwritten). */
  readonly parent?: number | null;
  /** The first key that led to this node, for labels (utf8 or 0x-hex). */
  readonly firstKey: string;
  /** The same key as hex, to read the node's entries back. */
  readonly firstKeyHex: string;
}

/** A tree as levels of nodes, root level first. */
export interface TreeLevels {
  readonly table: string;
  readonly entries: number;
  readonly depth: number;
  readonly levels: readonly (readonly TreeNodeView[])[];
  /** True when the walk stopped at `maxLeaves` leaves. */
  readonly truncated: boolean;
}

/** Walks `table` and returns its nodes level by level. */
export function treeLevels(db: RawDB, table: string = DEFAULT_TABLE, maxLeaves = 5000): TreeLevels {
  const source = table === DEFAULT_TABLE ? db : db.table(table);
  const levels: TreeNodeView[][] = [];
  // Nodes are told apart by their place (the child slots followed from the root), which also
  // names nodes that have no page yet.
  const seen = new Set<string>();
  let truncated = false;
  let entries = 0;
  const it = source.iterator();
  try {
    for (let e = it.next(); e !== undefined; e = it.next()) {
      entries++;
      const key = e[0];
      const path = keyPath(db, table, key);
      const leaf = path[path.length - 1];
      let fresh = false;
      let place = 'root';
      path.forEach((n, i) => {
        if (i > 0) place += `.${path[i - 1].index ?? 0}`;
        if (seen.has(place)) return;
        seen.add(place);
        fresh = true;
        (levels[i] ??= []).push({
          pageId: n.pageId,
          level: i,
          kind: n.kind,
          keys: n.keys,
          ...(i > 0 ? { parent: path[i - 1].pageId } : {}),
          firstKey: renderKey(key, 'utf8'),
          firstKeyHex: toHex(key),
        });
      });
      if (fresh && (levels[path.length - 1]?.length ?? 0) >= maxLeaves) {
        truncated = it.next() !== undefined;
        break;
      }
      if (leaf && leaf.index !== undefined && leaf.keys > leaf.index + 1) {
        for (let skip = leaf.keys - leaf.index - 1; skip > 0 && it.next() !== undefined; skip--) entries++;
      }
    }
  } finally {
    it.close();
  }
  if (levels.length === 0) {
    // An empty tree still has a root: show what a lookup visits.
    const path = keyPath(db, table, new Uint8Array(0));
    path.forEach((n, i) => levels.push([{ pageId: n.pageId, level: i, kind: n.kind, keys: n.keys, firstKey: '', firstKeyHex: '' }]));
  }
  return { table, entries: truncated ? source.count() : entries, depth: levels.length, levels, truncated };
}

/** The text drawing of `.tree`: one line per level, nodes as [page:keys]. */
export function formatTreeLevels(t: TreeLevels, maxPerLine = 12): string {
  const lines = [`table ${t.table}: ${formatNumber(t.entries)} entries, depth ${t.depth}${t.truncated ? ' (walk cut short)' : ''}`];
  t.levels.forEach((nodes, i) => {
    const shown = nodes.slice(0, maxPerLine).map((n) => `[${n.pageId ?? '*'}:${n.keys}]`).join(' ');
    const more = nodes.length > maxPerLine ? ` … +${formatNumber(nodes.length - maxPerLine)}` : '';
    const kind = nodes[0]?.kind ?? '';
    lines.push(`level ${i} (${formatNumber(nodes.length)} ${kind} node${nodes.length === 1 ? '' : 's'}): ${shown}${more}`);
  });
  if (t.levels.some((l) => l.some((n) => n.pageId === null))) lines.push('(* = changed since the last checkpoint, not yet written to a page)');
  return lines.join('\n') + '\n';
}
