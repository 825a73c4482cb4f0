// Mutation score: the whole suite (conformance checks, pagination properties, pact verification)
// against the faithful reference provider and against each named fault. A fault is killed when
// anything reports an error; the faithful provider must give none (no false alarm).

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CHECKS } from '../checks/registry';
import { runConformance } from '../checks/runner';
import type { Contract } from '../contract/contract';
import { FAULTS, type Fault } from '../provider/faults';
import { startProvider } from '../provider/server';
import { PROJECT_ROOT } from '../sources';
import { HttpTransport } from '../transport/http';

export interface MutationRow {
  fault: string;
  description: string;
  /** Checks, properties and "pact" that reported an error. */
  caughtBy: string[];
  killed: boolean;
  ms: number;
}

export interface MutationResult {
  faithful: MutationRow;
  rows: MutationRow[];
  killed: number;
  total: number;
  falseAlarms: string[];
}

const CREDENTIALS = { username: `AC${'d0'.repeat(16)}`, password: 'mutation' };

function pactVerify(baseUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'src/cli/pact-verify.ts'), '--base-url', baseUrl],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          TWILIO_ACCOUNT_SID: CREDENTIALS.username,
          TWILIO_AUTH_TOKEN: CREDENTIALS.password,
          PACT_BROKER_BASE_URL: '',
          PACT_DO_NOT_TRACK: 'true',
        },
        stdio: 'ignore',
      },
    );
    child.on('close', (code) => resolve(code === 0));
  });
}

async function runOne(contract: Contract, fault: Fault | undefined, numRuns: number): Promise<MutationRow> {
  const started = performance.now();
  const provider = await startProvider({
    sessions: 12,
    credentials: CREDENTIALS,
    ...(fault ? { fault } : {}),
  });
  try {
    // Short timeouts, one quick retry and a deadline: transport faults must not stall the score.
    const transport = new HttpTransport({
      target: fault?.name ?? 'faithful',
      baseUrl: provider.url,
      credentials: CREDENTIALS,
      timeoutMs: 2000,
      maxRetries: 1,
      maxRetryWaitMs: 100,
      deadline: Date.now() + 30_000,
    });
    const run = await runConformance(transport, contract, CHECKS, {
      pagination: {
        context: {
          transport: transport.withBudget(Number.POSITIVE_INFINITY),
          numRuns,
          seed: 20261124,
          setSessionCount: provider.setSessionCount,
        },
      },
    });
    const caught = new Set(run.findings.filter((f) => f.severity === 'error').map((f) => f.check));
    provider.setSessionCount(12);
    if (!(await pactVerify(provider.url))) caught.add('pact');
    return {
      fault: fault?.name ?? 'faithful',
      description: fault?.description ?? 'the reference provider as documented',
      caughtBy: [...caught].sort(),
      killed: caught.size > 0,
      ms: Math.round(performance.now() - started),
    };
  } finally {
    await provider.close();
  }
}

export async function runMutation(
  contract: Contract,
  options: { faults?: readonly Fault[]; numRuns?: number; onRow?: (row: MutationRow) => void } = {},
): Promise<MutationResult> {
  const numRuns = options.numRuns ?? 20;
  const faithful = await runOne(contract, undefined, numRuns);
  options.onRow?.(faithful);
  const rows: MutationRow[] = [];
  for (const fault of options.faults ?? FAULTS) {
    const row = await runOne(contract, fault, numRuns);
    rows.push(row);
    options.onRow?.(row);
  }
  return {
    faithful,
    rows,
    killed: rows.filter((r) => r.killed).length,
    total: rows.length,
    falseAlarms: faithful.caughtBy,
  };
}

export function mutationMarkdown(r: MutationResult): string {
  const score = r.total ? ((r.killed / r.total) * 100).toFixed(1) : '0';
  return [
    '# Mutation score',
    '',
    `**${r.killed}/${r.total} faults killed (${score} %)**, ${r.falseAlarms.length} false alarms on the faithful provider${r.falseAlarms.length ? ` (${r.falseAlarms.join(', ')})` : ''}.`,
    '',
    '| fault | killed | caught by | what it breaks |',
    '|---|---|---|---|',
    ...r.rows.map(
      (row) =>
        `| \`${row.fault}\` | ${row.killed ? 'yes' : '**NO**'} | ${row.caughtBy.map((c) => `\`${c}\``).join(', ') || '—'} | ${row.description} |`,
    ),
    '',
  ].join('\n');
}
