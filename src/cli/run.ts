// Every command's shell. A command is a function of its arguments and an Io (output lines and the
// environment it reads), so the suites call it in-process; its module runs it as the process only
// when it is the entry point. Bad input is one line and exit 2; nothing else decides exit codes here.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors';
import { SpecError } from '../model/openapi';
import { redact, redactStandardStreams, registerSecrets } from '../redact';
import { shellWord } from '../rules/curl';
import { DocsParseError } from '../sources/docs-page';

/** Where a command's output goes and what environment it reads. Every line is redacted before it leaves. */
export interface Io {
  /** One line of standard output (the newline is added). */
  out(line: string): void;
  /** One line of standard error (the newline is added). */
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** The command is this process (its entry point), not a call from the suites. */
  process?: boolean;
  /** The command's name, which is its npm script's (set by `command`). */
  command?: string;
}

export interface Command {
  name: string;
  /** Runs the command on these arguments; resolves to its exit code, never throws. */
  run(args: readonly string[], io: Io): Promise<number>;
}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  options: T,
  args: readonly string[],
  io?: Pick<Io, 'env' | 'command'>,
) {
  const swallowed = io ? swallowedByNpm(options, args, io) : undefined;
  if (swallowed) throw new UsageError(swallowed);
  try {
    return parseArgs({ options, args: [...args], strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

/**
 * `npm run conformance --target=live` (a flag before `--`) hands the command nothing: npm keeps the
 * flag as a setting of its own and only sets npm_config_target. Run by its npm script, a command
 * with such a variable for one of its own flags (and not that flag) stops with the command meant.
 * `--target live` (no "=") leaves npm_config_target=true and hands the command the word "live": the
 * words before the command's first flag are the values of such flags. npm's variables do not keep
 * the order flags were typed in, so two flags without their value get a placeholder each, the words
 * named beside them.
 */
export function swallowedByNpm(
  options: NonNullable<ParseArgsConfig['options']>,
  args: readonly string[],
  io: Pick<Io, 'env' | 'command'>,
): string | undefined {
  if (!io.command || io.env.npm_lifecycle_event !== io.command) return undefined;
  const kept = keptByNpm(options, args, io.env);
  if (!kept.length) return undefined;
  const bare = kept.filter((k) => k.bare);
  const firstFlag = args.findIndex((a) => a.startsWith('-'));
  const loose = args.slice(0, firstFlag < 0 ? args.length : firstFlag);
  // One flag without its value takes the first word npm passed on; several cannot be told apart.
  const taken = bare.length === 1 ? loose.slice(0, 1) : bare.length > 1 ? loose : [];
  const words = kept.flatMap((k) => {
    if (k.value === undefined) return [`--${k.name}`];
    const word = !k.bare ? k.value : bare.length === 1 ? taken[0] : undefined;
    return [`--${k.name}`, word === undefined ? '<value>' : shellWord(word)];
  });
  const meant = [...words, ...args.slice(taken.length).map(shellWord)].join(' ');
  const named =
    bare.length > 1 && taken.length
      ? ` (npm passed on ${taken.map(shellWord).join(' ')}: each is the value of one of them)`
      : '';
  const shown = kept.map((k) => (k.value === undefined || k.bare ? `--${k.name}` : `--${k.name}=${k.value}`));
  return `npm kept ${shown.join(', ')} for itself (${kept.map((k) => k.variable).join(', ')}) and the command never saw ${kept.length > 1 ? 'them' : 'it'}: flags go after "--": npm run ${io.command} -- ${meant}${named}`;
}

/** The command's flags npm kept as settings of its own: a string flag's value, unless npm got none ("true": bare). */
function keptByNpm(
  options: NonNullable<ParseArgsConfig['options']>,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
) {
  const given = new Set(args.map((a) => a.replace(/^--/, '').split('=')[0]));
  const kept: Array<{ name: string; variable: string; value?: string; bare?: boolean }> = [];
  for (const [name, o] of Object.entries(options)) {
    // --no-pagination reaches npm as pagination=false: npm_config_pagination is set, and empty.
    const variable = `npm_config_${(name.startsWith('no-') ? name.slice(3) : name).replace(/-/g, '_')}`;
    const value = env[variable];
    if (value === undefined || given.has(name)) continue;
    if (o.type === 'boolean') kept.push({ name, variable });
    else kept.push({ name, variable, value, ...(value === 'true' ? { bare: true } : {}) });
  }
  return kept;
}

/** An integer flag: undefined when absent, one line naming the flag when not a whole number in [min, max]. */
export function intFlag(
  raw: string | undefined,
  name: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    const range =
      max < Number.MAX_SAFE_INTEGER
        ? `an integer from ${min} to ${max}`
        : min === 1
          ? 'a positive integer'
          : `an integer ≥ ${min}`;
    throw new UsageError(`${name}: expected ${range}, got "${raw}"`);
  }
  return Number(raw);
}

export function command(
  name: string,
  main: (args: readonly string[], io: Io) => Promise<number> | number,
  /** What `--help` prints: usage, each flag with its default, the environment it reads, examples. */
  help: string,
): Command {
  return {
    name,
    async run(args, io) {
      if (args.includes('--help') || args.includes('-h')) {
        for (const line of help.trim().split('\n')) io.out(line);
        return 0;
      }
      registerSecrets(io.env);
      const safe: Io = {
        env: io.env,
        command: name,
        ...(io.process ? { process: true } : {}),
        out: (line) => io.out(redact(line)),
        err: (line) => io.err(redact(line)),
      };
      try {
        return await main(args, safe);
      } catch (error) {
        if (error instanceof UsageError || error instanceof DocsParseError || error instanceof SpecError) {
          safe.err(`${name}: ${error.message}`);
          return 2;
        }
        safe.err(`${name}: unexpected failure: ${(error as Error)?.stack ?? String(error)}`);
        return 70;
      }
    },
  };
}

/** This process's own streams (through the console, which ignores a reader that went away) and environment. */
const processIo: Io = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  process: true,
};

/**
 * Runs the command as this process when `moduleUrl` is the script node was started with (directly,
 * through npm, or through the bin link); importing the module does nothing else.
 */
export async function runIfMain(cmd: Command, moduleUrl: string): Promise<void> {
  const script = process.argv[1];
  if (!script) return;
  try {
    if (realpathSync(script) !== realpathSync(fileURLToPath(moduleUrl))) return;
  } catch {
    return;
  }
  // Whatever a library prints on its own goes through the redactor too.
  redactStandardStreams();
  // A reader that went away (`… | head`) ends the output, not the command with a stack trace.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  process.exitCode = await cmd.run(process.argv.slice(2), processIo);
}
