/**
 * Command specs and their argument parsing on `node:util`'s `parseArgs`.
 *
 * A command declares its options (with a description and a value name for help), its positional
 * arguments and whether it is read-only (read-only commands all get `--json`). `parseCommand`
 * turns argv into typed values or throws a UsageError; `formatHelp` prints the help text from the
 * same declaration, so the two cannot drift apart.
 */
import { parseArgs } from 'node:util';
import type { CommandContext } from './context.js';
import { UsageError } from './usage-error.js';

/** One option of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly description: string;
  /** Shown in help after the option name (`--rows <n>`). */
  readonly valueName?: string;
  readonly default?: string | boolean;
  readonly multiple?: false;
}

/** One positional argument. */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
}

/** Parsed arguments of one command. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** A subcommand of `photon`. */
export interface CommandSpec {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** A paragraph for `photon <name> --help`. */
  readonly description?: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Read-only commands accept `--json`. */
  readonly readOnly: boolean;
  /** Examples for help. */
  readonly examples?: readonly string[];
  /** Runs the command; resolves to the exit code. */
  run(args: ParsedArgs, ctx: CommandContext): Promise<number>;
}

const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show this help' },
  debug: { type: 'boolean', description: 'print stack traces of errors' },
};

const JSON_OPTION: OptionSpec = { type: 'boolean', description: 'print machine-readable JSON instead of text' };

/** Every option a command accepts, including the common ones. */
export function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...(spec.readOnly ? { json: JSON_OPTION } : {}), ...COMMON_OPTIONS };
}

/**
 * Parses argv (after the command name) against the command's declaration.
 * Throws UsageError for unknown options, missing values, and a wrong number of positionals
 * (unless `--help` is given, which always parses).
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options = allOptions(spec);
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, o] of Object.entries(options)) config[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    throw new UsageError(cleanParseMessage((e as Error).message), spec.name);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, o] of Object.entries(options)) values[name] = parsed.values[name] ?? o.default;
  if (values.help) return { values, positionals: parsed.positionals };
  const required = spec.positionals.filter((p) => !p.optional).length;
  if (parsed.positionals.length < required) {
    const missing = spec.positionals[parsed.positionals.length];
    throw new UsageError(`missing argument <${missing.name}>`, spec.name);
  }
  if (parsed.positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[spec.positionals.length]}"`, spec.name);
  }
  return { values, positionals: parsed.positionals };
}

/** parseArgs messages carry a hint about `--` that is noise here; keep the first sentence. */
function cleanParseMessage(message: string): string {
  const first = message.split('. ')[0].replace(/\.$/, '');
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** The help text of one command. */
export function formatHelp(spec: CommandSpec): string {
  const positionals = spec.positionals.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`)).join(' ');
  const lines = [`Usage: photon ${spec.name}${positionals ? ' ' + positionals : ''} [options]`, '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  if (spec.positionals.length > 0) {
    lines.push('', 'Arguments:');
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(22)} ${p.description}`);
  }
  lines.push('', 'Options:');
  for (const [name, o] of Object.entries(allOptions(spec))) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` <${o.valueName ?? 'value'}>` : ''}`;
    const dflt = o.default !== undefined && o.type === 'string' ? ` (default ${String(o.default)})` : '';
    lines.push(`  ${flag.padEnd(26)} ${o.description}${dflt}`);
  }
  if (spec.examples && spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const e of spec.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n') + '\n';
}

/** A string option's value, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A boolean option's value. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/**
 * An integer option within [min, max], or `fallback` when absent. Accepts `100k`, `1m` and `_`
 * separators. Throws UsageError naming the option, the value and the allowed range.
 */
export function intOption(args: ParsedArgs, name: string, fallback: number, min: number, max: number, command?: string): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const n = parseCount(raw);
  if (n === undefined || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}; got "${raw}"`, command);
  }
  return n;
}

/** Parses `1000`, `1_000`, `10k`, `2m`; undefined when not a whole number. */
export function parseCount(text: string): number | undefined {
  const m = /^(\d[\d_]*)([km]?)$/i.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1].replace(/_/g, ''));
  const scale = m[2].toLowerCase() === 'k' ? 1000 : m[2].toLowerCase() === 'm' ? 1_000_000 : 1;
  const n = base * scale;
  return Number.isSafeInteger(n) ? n : undefined;
}
