import { describe, expect, it } from '@jest/globals';
import { formatHelp, parseCommand, parseCount, intOption } from '../src/command.js';
import type { CommandSpec } from '../src/command.js';
import { EXIT } from '../src/exit-codes.js';
import { COMMANDS, runCli } from '../src/main.js';
import { reportError } from '../src/report-error.js';
import { UsageError, isUsageError } from '../src/usage-error.js';
import { PhotonError } from '@photondb/contracts';
import { captureContext } from './helpers/context.js';

const spec: CommandSpec = {
  name: 'thing',
  summary: 'does a thing',
  positionals: [{ name: 'db', description: 'database' }, { name: 'id', description: 'an id', optional: true }],
  options: { rows: { type: 'string', valueName: 'n', description: 'rows', default: '10' }, fast: { type: 'boolean', description: 'go fast' } },
  readOnly: true,
  run: async () => 0,
};

describe('argument parsing', () => {
  it('parses options, defaults and positionals', () => {
    const a = parseCommand(spec, ['./db', '--fast']);
    expect(a.positionals).toEqual(['./db']);
    expect(a.values.fast).toBe(true);
    expect(a.values.rows).toBe('10');
    expect(a.values.json).toBeUndefined();
  });

  it('gives read-only commands a --json flag', () => {
    expect(parseCommand(spec, ['./db', '--json']).values.json).toBe(true);
    expect(() => parseCommand({ ...spec, readOnly: false }, ['./db', '--json'])).toThrow(UsageError);
  });

  it('rejects unknown options, missing and extra positionals with a UsageError naming the command', () => {
    for (const argv of [['./db', '--nope'], [], ['a', 'b', 'c'], ['./db', '--rows']]) {
      let caught: unknown;
      try {
        parseCommand(spec, argv);
      } catch (e) {
        caught = e;
      }
      expect(isUsageError(caught)).toBe(true);
      expect((caught as UsageError).command).toBe('thing');
    }
  });

  it('accepts --help without the required positionals', () => {
    expect(parseCommand(spec, ['--help']).values.help).toBe(true);
    expect(parseCommand(spec, ['-h']).values.help).toBe(true);
  });

  it('reads counts with k and m suffixes and underscores', () => {
    expect(parseCount('100000')).toBe(100000);
    expect(parseCount('100k')).toBe(100000);
    expect(parseCount('2M')).toBe(2000000);
    expect(parseCount('1_000')).toBe(1000);
    expect(parseCount('-5')).toBeUndefined();
    expect(parseCount('1.5')).toBeUndefined();
    expect(parseCount('ten')).toBeUndefined();
  });

  it('bounds integer options and names the option in the error', () => {
    const a = parseCommand(spec, ['./db', '--rows', '5k']);
    expect(intOption(a, 'rows', 1, 1, 10_000)).toBe(5000);
    expect(() => intOption(a, 'rows', 1, 1, 100)).toThrow(/--rows must be an integer from 1 to 100/);
  });

  it('prints help with usage, arguments, every option and its default', () => {
    const help = formatHelp(spec);
    expect(help).toContain('Usage: photon thing <db> [id] [options]');
    expect(help).toContain('--rows <n>');
    expect(help).toContain('(default 10)');
    expect(help).toContain('--json');
    expect(help).toContain('--help');
  });
});

describe('runCli', () => {
  it('prints the command list for no arguments and for --help', async () => {
    for (const argv of [[], ['--help'], ['help']]) {
      const ctx = captureContext();
      expect(await runCli(argv, ctx)).toBe(EXIT.OK);
      for (const c of COMMANDS) expect(ctx.stdout.text()).toContain(c.name);
    }
  });

  it('prints --help for every command and exits 0', async () => {
    for (const c of COMMANDS) {
      const ctx = captureContext();
      expect(await runCli([c.name, '--help'], ctx)).toBe(EXIT.OK);
      expect(ctx.stdout.text()).toContain(`Usage: photon ${c.name}`);
      if (c.readOnly) expect(ctx.stdout.text()).toContain('--json');
      const viaHelp = captureContext();
      await runCli(['help', c.name], viaHelp);
      expect(viaHelp.stdout.text()).toBe(ctx.stdout.text());
    }
  });

  it('reports an unknown command as one line and exits 2', async () => {
    const ctx = captureContext();
    expect(await runCli(['frobnicate'], ctx)).toBe(EXIT.USAGE);
    expect(ctx.stderr.text().trim().split('\n')).toHaveLength(1);
    expect(ctx.stderr.text()).toMatch(/unknown command "frobnicate"/);
  });

  it('reports a missing argument as one line pointing at the command help, exit 2', async () => {
    const ctx = captureContext();
    expect(await runCli(['stat'], ctx)).toBe(EXIT.USAGE);
    expect(ctx.stderr.text()).toBe('photon stat: missing argument <db> (see photon stat --help)\n');
  });

  it('reports an unknown option as one line, exit 2', async () => {
    const ctx = captureContext();
    expect(await runCli(['pages', './x', '--colour'], ctx)).toBe(EXIT.USAGE);
    expect(ctx.stderr.text()).toMatch(/^photon pages: unknown option '--colour' \(see photon pages --help\)\n$/);
  });
});

describe('error reports', () => {
  it('prints a PhotonError as its code and message on one line without a stack', () => {
    const r = reportError(new PhotonError('LOCKED', 'the database at /x is locked\nby pid 7'), 'stat', false);
    expect(r).toEqual({ line: 'photon stat: LOCKED: the database at /x is locked by pid 7', exitCode: EXIT.FAILED, stack: undefined });
  });

  it('adds the stack and causes only with --debug', () => {
    const e = new PhotonError('IO', 'write failed', {}, { cause: new Error('EIO: disk') });
    const r = reportError(e, 'load', true);
    expect(r.stack).toContain('PhotonError');
    expect(r.stack).toContain('caused by:');
    expect(r.stack).toContain('EIO: disk');
  });

  it('shows node errno codes of other errors and hints at --debug for unexpected ones', () => {
    const enoent = Object.assign(new Error('no such file, open x.jsonl'), { code: 'ENOENT' });
    expect(reportError(enoent, 'load', false).line).toBe('photon load: ENOENT: no such file, open x.jsonl');
    expect(reportError(new TypeError('boom'), 'load', false).line).toBe('photon load: boom (run with --debug for a stack trace)');
  });
});
