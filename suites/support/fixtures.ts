// Shared test helpers: fixture pages, the real sources (or the reason they are absent), a CLI runner.

import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from '../../src/cli/run';
import { type DocsPage, parseDocsPage } from '../../src/sources/docs-page';
import { missingSourceReason, PROJECT_ROOT, sourcePaths } from '../../src/sources/paths';

export const FIXTURES = join(PROJECT_ROOT, 'suites/fixtures');

export function fixturePage(name: string): DocsPage {
  const file = join(FIXTURES, 'docs', name);
  return parseDocsPage(readFileSync(file, 'utf8'), file);
}

export const realSources = sourcePaths({}, { ...process.env, TWILIO_DOCS_PAGE: '' });
/** Why suites that need ../shared/sources (the spec and a docs page) are skipped, or undefined when it is there. */
export const sourcesMissing = missingSourceReason(realSources);
/** Why suites that need the spec alone are skipped. */
export const specMissing = missingSourceReason(realSources, 'spec');
/** A suite's title, saying why it is skipped (the terminal summary of `npm test` groups skips by it). */
const skippedTitle = (title: string, reason: string | undefined): string =>
  reason ? `${title} (skipped: ${reason})` : title;
export const needsSources = (title: string): string => skippedTitle(title, sourcesMissing);
export const needsSpec = (title: string): string => skippedTitle(title, specMissing);

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command in this process, as `npm run <command> -- args…` would run it: the same command
 * function, its output lines (redacted), its exit code, `env` laid over this process's environment.
 * The process boundary itself (streams, exit codes, the built bundle) is tested by runProcess.
 */
export async function runCli(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const mod: Record<string, unknown> = await import(`../../src/cli/${command}.ts`);
  const cmd = Object.values(mod).find(
    (v): v is Command => typeof v === 'object' && v !== null && 'run' in v && 'name' in v,
  );
  if (!cmd) throw new Error(`src/cli/${command}.ts exports no command`);
  let stdout = '';
  let stderr = '';
  const status = await cmd.run(args, {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
    env: { ...process.env, ...env },
  });
  return { status, stdout, stderr };
}

/** Starts `node dist/cli/<command>.mjs args…` (what `npm run <command> -- args…` runs), stdout and stderr piped. */
export function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [join(PROJECT_ROOT, 'dist/cli', `${command}.mjs`), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `node dist/cli/<command>.mjs args…`, what `npm run <command> -- args…` runs (built by the suites' globalSetup). */
export function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return outcomeOf(startProcess(command, args, env));
}

/** A started process's exit status and output (killed after two minutes). */
export function outcomeOf(child: ChildProcessByStdio<null, Readable, Readable>): Promise<CliResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
