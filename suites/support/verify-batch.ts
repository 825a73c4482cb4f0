// Provider verifications whose failures are expected, run in a process of their own: Pact's native
// core prints each verification (and a red FAILED for every expected failure) straight to the
// process's stdout, which no test can silence. The tests get each case's failure message, and the
// terminal of `npm test` none of Pact's output.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VerificationProblems, verifyOnLocalProvider } from '../../src/pact/verify';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { activeFault } from '../../src/targets/targets';
import { PACT_FILE, pactFor } from './pact';
import { contract } from './provider';
import { VERIFY_BATCH_BUNDLE } from './verify-batch-bundle';

export interface VerifyCase {
  /** A fault or faithful variant of the reference provider (undefined: faithful). */
  fault?: string;
  /** The operations whose interactions are verified. */
  operations: string[];
}

/** One verification, here: the failure message, or undefined when it passed. */
export async function verifyHere(c: VerifyCase): Promise<string | undefined> {
  try {
    await verifyOnLocalProvider({
      pactFiles: [join(pactFor(c.operations), PACT_FILE)],
      contract,
      items: 5,
      ...(c.fault ? { fault: activeFault(c.fault, contract) } : {}),
    });
    return undefined;
  } catch (error) {
    // The proxy's problems, one line each (marked `proxy: `), then Pact's own failure (its diff), if any.
    if (!(error instanceof VerificationProblems)) return (error as Error).message;
    const pact = error.cause instanceof Error ? [error.cause.message] : [];
    return [...error.lines.map((l) => `proxy: ${l}`), ...pact].join('\n');
  }
}

const MARK = '\u0000results ';

/** The cases verified in one child process, its output kept from the terminal: each one's failure. */
export function verifyInChild(cases: readonly VerifyCase[]): Promise<Array<string | undefined>> {
  return new Promise((resolve, reject) => {
    // This file bundled by the suites' globalSetup: the child starts on plain node.
    const child = spawn(process.execPath, [VERIFY_BATCH_BUNDLE, JSON.stringify(cases)], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PACT_DO_NOT_TRACK: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      const at = out.lastIndexOf(MARK);
      if (code !== 0 || at < 0) reject(new Error(`verification child exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.slice(at + MARK.length).split('\n')[0] as string));
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cases = JSON.parse(process.argv[2] ?? '[]') as VerifyCase[];
  const results: Array<string | null> = [];
  for (const c of cases) results.push((await verifyHere(c)) ?? null);
  process.stdout.write(`\n${MARK}${JSON.stringify(results)}\n`);
}
