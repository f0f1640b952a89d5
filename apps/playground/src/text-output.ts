/**
 * Text output helpers shared by the commands, the REPL and the server: aligned tables, human
 * numbers and byte counts, hex dumps, and JSON that survives Uint8Arrays and bigints.
 */

/** `1234567` -> `1,234,567`. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** `1536` -> `1.5 KiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** Milliseconds for humans: `0.42 ms`, `12 ms`, `3.1 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A column of `formatTable`. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  readonly align?: 'left' | 'right';
}

/** Rows as an aligned text table with a header line. Cells longer than `maxCell` are cut. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[], maxCell = 80): string {
  const cells = rows.map((r) => columns.map((c) => truncate(c.value(r), maxCell)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => displayWidth(row[i]))));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

function displayWidth(s: string): number {
  return [...s].length;
}

/** Cuts a string to `max` characters with an ellipsis. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

/** Key/value lines (`name: value`) aligned on the colon. */
export function formatFields(fields: Readonly<Record<string, unknown>>): string {
  const width = Math.max(0, ...Object.keys(fields).map((k) => k.length));
  return Object.entries(fields)
    .map(([k, v]) => `${(k + ':').padEnd(width + 1)} ${typeof v === 'number' ? formatNumber(v) : String(v)}`)
    .join('\n') + '\n';
}

/** Bytes as lowercase hex without separators. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A classic 16-bytes-per-line hex dump with offsets and printable ASCII. */
export function hexDump(bytes: Uint8Array, maxBytes = bytes.length): string {
  const n = Math.min(bytes.length, maxBytes);
  const lines: string[] = [];
  for (let at = 0; at < n; at += 16) {
    const row = bytes.subarray(at, Math.min(at + 16, n));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  if (n < bytes.length) lines.push(`… ${formatNumber(bytes.length - n)} more bytes`);
  return lines.join('\n') + '\n';
}

/**
 * JSON.stringify that renders Uint8Arrays as `{"$hex": "..."}`, bigints as numbers when safe (as
 * strings otherwise), Maps as objects and Errors as their message.
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonReplacer, indent);
}

function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  // JSON.stringify hands a Buffer over already turned into { type, data } by its toJSON; the
  // holder still has the original.
  const original = (this as Record<string, unknown> | null)?.[key];
  if (original instanceof Uint8Array) return { $hex: toHex(original) };
  if (value instanceof Uint8Array) return { $hex: toHex(value) };
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (value instanceof Error) return { error: value.message };
  return value;
}
