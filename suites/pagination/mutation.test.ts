import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFromSpec } from '../../src/model/build';
import { mutants, scaledTimeout, survivorWhy } from '../../src/mutation/run';
import { FAULTS } from '../../src/provider/faults';
import { Contract } from '../../src/schemas/contract';
import { readSpecFile } from '../../src/sources/spec';
import { FIXTURES, runCli, runProcess } from '../support/fixtures';
import { contract } from '../support/provider';

describe('mutation score', () => {
  it('switches each fault on for one operation of every resource it applies to', () => {
    const all = mutants(contract);
    const resources = new Set(
      all.map((m) => contract.operations.find((o) => o.id === m.operation)?.resource),
    );
    expect(resources.size).toBeGreaterThanOrEqual(5);
    // Every fault but those that need a read Assistants does not have: one documented as a redirect
    // or in another JSON media type (a part of IAM Organizations' spec has them), and a scope field
    // that states a SID's form (Assistants' session_id states none; Conversations' conversation_sid does).
    const elsewhere = ['redirect-followed', 'undocumented-media-type'];
    const scoped = ['another-scope'];
    expect(new Set(all.map((m) => m.fault.name))).toEqual(
      new Set(FAULTS.map((f) => f.name).filter((f) => !elsewhere.includes(f) && !scoped.includes(f))),
    );
    const conversations = join(FIXTURES, 'specs/twilio-oai/twilio_conversations_v1.subset.json');
    const withSids = new Contract(buildFromSpec(readSpecFile(conversations), { docs: [] }).model, 'spec');
    expect(mutants(withSids).some((m) => m.fault.name === 'another-scope')).toBe(true);
    const iam = join(FIXTURES, 'specs/twilio-oai/twilio_iam_organizations.reads.subset.json');
    const other = new Contract(buildFromSpec(readSpecFile(iam), { docs: [] }).model, 'spec');
    expect(mutants(other).filter((m) => elsewhere.includes(m.fault.name))).toEqual(
      expect.arrayContaining(
        elsewhere.map((name) => expect.objectContaining({ fault: expect.objectContaining({ name }) })),
      ),
    );
    // Nested lists are mutated too.
    expect(all.some((m) => m.fault.name === 'wrong-meta-key' && m.operation === 'ListFeedback')).toBe(true);
  });

  it('npm run mutation kills a fault on every resource it applies to, with no false alarm on the faithful provider', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mutation-'));
    const r = await runCli('mutation', [
      '--fault',
      'wrong-meta-key',
      '--runs',
      '3',
      '--no-pact',
      '--report-dir',
      dir,
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /mutation score: (\d+)\/\1 killed \(100\.0 %\) over \d+ resources, 0 false alarms/,
    );
    const result = JSON.parse(readFileSync(join(dir, 'mutation.json'), 'utf8'));
    expect(result.falseAlarms).toEqual([]);
    expect(result.rows.length).toBeGreaterThanOrEqual(8);
    for (const row of result.rows) expect(row.killed, `${row.fault} on ${row.operation}`).toBe(true);
    expect(result.rows.find((x: { fault: string }) => x.fault === 'wrong-meta-key')?.caughtBy).toContain(
      'list.meta-key',
    );
    expect(readFileSync(join(dir, 'mutation.md'), 'utf8')).toMatch(
      /mutants killed \(100\.0 %\)\*\* over \d+ resources .*, 0 false alarms/,
    );
  });

  it('as a process, an unknown fault is one line and exit 2, and nothing is written', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mutation-')), 'out');
    const r = await runProcess('mutation', ['--fault', 'no-such-fault', '--report-dir', dir]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('mutation: --fault: unknown fault no-such-fault\n');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('a score that does not depend on load, and says why a mutant survived', () => {
  it('the mutants’ timeout is ten times the faithful run’s slowest exchange, between 800 ms and 15 s', () => {
    expect(scaledTimeout(12)).toBe(800);
    expect(scaledTimeout(230)).toBe(2300);
    expect(scaledTimeout(9000)).toBe(15_000);
  });

  it('a survivor names what judged its operation and passed, what did not run and why, and what only warned', () => {
    const op = 'GET /v1/Tools';
    const result = (rule: string, outcome: 'passed' | 'not-run', reason?: string) => ({
      rule,
      operation: op,
      outcome,
      findings: [],
      ...(reason ? { reason } : {}),
    });
    const why = survivorWhy(
      [
        {
          target: 'local',
          results: [
            result('response.schema', 'passed'),
            result('list.meta-key', 'passed'),
            result('pagination.chaining', 'not-run', 'no run could be judged'),
            result('response.schema', 'passed'),
          ].map((r, i) => (i === 3 ? { ...r, operation: 'GET /v1/Other' } : r)),
          findings: [
            {
              rule: 'response.undocumented-fields',
              severity: 'warning',
              category: 'contract',
              operation: op,
              source: 's',
              message: 'm',
            },
          ],
        },
      ] as never,
      op,
    );
    expect(why).toBe(
      '2 rule(s) judged GET /v1/Tools and passed (response.schema, list.meta-key); 1 did not run (pagination.chaining: no run could be judged); only warnings from response.undocumented-fields',
    );
  });
});
