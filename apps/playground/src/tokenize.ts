/**
 * Splits a REPL line into words: whitespace separates, single or double quotes group (with
 * backslash escapes inside double quotes), so `put "user 1" {"name": "Ada"}` works.
 */
import { UsageError } from './usage-error.js';

/** The words of `line`. Throws UsageError on an unterminated quote. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    let word = '';
    while (i < line.length && !/\s/.test(line[i])) {
      const c = line[i];
      if (c === '"' || c === "'") {
        const end = findClose(line, i + 1, c);
        const body = line.slice(i + 1, end);
        word += c === '"' ? body.replace(/\\(["\\])/g, '$1') : body;
        i = end + 1;
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}

function findClose(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    if (line[i] === '\\' && quote === '"') i++;
    else if (line[i] === quote) return i;
  }
  throw new UsageError(`unterminated ${quote === '"' ? 'double' : 'single'} quote`);
}

/** The rest of `line` after its first `n` words, untouched (for values that contain spaces). */
export function restAfterWords(line: string, n: number): string {
  let i = 0;
  for (let w = 0; w < n; w++) {
    while (i < line.length && /\s/.test(line[i])) i++;
    while (i < line.length && !/\s/.test(line[i])) {
      if (line[i] === '"' || line[i] === "'") i = findClose(line, i + 1, line[i]);
      i++;
    }
  }
  return line.slice(i).trim();
}
