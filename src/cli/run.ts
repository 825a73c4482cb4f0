// Every command's shell: bad input is one line and exit 2; nothing else decides exit codes here.

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors';
import { SpecError } from '../model/openapi';
import { redactStandardStreams, registerSecrets } from '../redact';
import { DocsParseError } from '../sources/docs-page';

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  options: T,
  args = process.argv.slice(2),
) {
  try {
    return parseArgs({ options, args, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
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

export async function runCommand(name: string, main: () => Promise<number> | number): Promise<void> {
  registerSecrets();
  redactStandardStreams();
  try {
    process.exitCode = await main();
  } catch (error) {
    if (error instanceof UsageError || error instanceof DocsParseError || error instanceof SpecError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`${name}: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 70;
  }
}
