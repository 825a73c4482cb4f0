// Write faults: each one in the catalogue is caught by the rule it exists for, and the lifecycle
// model (fast-check commands) catches what breaks the API's state, shrunk to the shortest sequence.

import { describe, expect, it } from 'vitest';
import { FAULTS } from '../../src/provider/faults';
import { contract } from '../support/provider';
import { liveRun, provider } from '../support/writes';

describe.concurrent('write faults are caught', () => {
  const cases = FAULTS.filter((f) => f.appliesToWrite).map(
    (f) => [f.name, contract.writes.find((w) => f.appliesToWrite?.(w))?.id ?? '', f.caughtBy] as const,
  );
  it.each(cases)('%s on %s: %s', async (fault, write, caughtBy) => {
    const p = await provider(3, contract, `${fault}@${write}`);
    const { run } = await liveRun(p, contract, {
      operations: [write],
      pagination: false,
      modelRuns: 0,
      perList: 2,
    });
    expect(run.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toContain(caughtBy);
  });
});

describe('the lifecycle as a model (fast-check commands)', () => {
  it.concurrent.each([
    ['delete-leaves-item@DeleteTool', /answered 200; the model says 404/],
    ['attach-not-reflected', /the nested list of .* shows \[\]; the model says/],
  ])('%s: the model disagrees, shrunk to the shortest sequence, replayable by seed', async (fault, why) => {
    const p = await provider(3, contract, fault);
    const { run } = await liveRun(p, contract, {
      pagination: false,
      rules: new Set(['write.lifecycle-model']),
      seed: 11,
      modelRuns: 15,
    });
    const [f] = run.findings.filter((x) => x.rule === 'write.lifecycle-model');
    expect(f?.severity).toBe('error');
    expect(f?.message).toMatch(why);
    expect(f?.message).toMatch(/shortest sequence .*\(seed 11, .*replay with --seed 11\)/);
  });
});

describe('a run that stops sending while it polls an item’s processing', () => {
  it('stops polling: the processing is not judged on a value no read could update (no false "past the bound")', async () => {
    // Processing never ends, the bound is 5 s off, the run’s deadline comes a second in: every
    // poll after it is held back. Judging then would blame the provider for what the run did not read.
    const p = await provider(3, contract, 'processing-never-ends@CreateKnowledge');
    const { run } = await liveRun(p, contract, {
      operations: ['CreateKnowledge'],
      pagination: false,
      modelRuns: 0,
      perList: 2,
      processingBoundMs: 5000,
      deadline: Date.now() + 1000,
    });
    const created = run.results.filter((r) => r.operation === 'POST /v1/Knowledge' && r.outcome === 'passed');
    expect(created.map((r) => r.rule)).toContain('write.status');
    expect(run.findings.filter((f) => f.rule === 'write.processing-ends')).toEqual([]);
    expect(run.results.find((r) => r.rule === 'write.processing-ends')?.outcome).not.toBe('passed');
  });
});
