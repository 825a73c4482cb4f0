import { describe, expect, it } from 'vitest';
import { mutants, mutationMarkdown, runMutation } from '../../src/mutation/run';
import { FAULTS } from '../../src/provider/faults';
import { contract } from '../support/provider';

describe('mutation score', () => {
  it('switches each fault on for one operation of every resource it applies to', () => {
    const all = mutants(contract);
    const resources = new Set(
      all.map((m) => contract.operations.find((o) => o.id === m.operation)?.resource),
    );
    expect(resources.size).toBeGreaterThanOrEqual(5);
    expect(new Set(all.map((m) => m.fault.name))).toEqual(new Set(FAULTS.map((f) => f.name)));
    // Nested lists are mutated too.
    expect(all.some((m) => m.fault.name === 'wrong-meta-key' && m.operation === 'ListFeedback')).toBe(true);
  });

  it('kills a fault on every resource it applies to, with no false alarm on the faithful provider', async () => {
    const result = await runMutation(contract, { faults: ['wrong-meta-key'], numRuns: 3 });
    expect(result.falseAlarms).toEqual([]);
    expect(result.rows.length).toBeGreaterThanOrEqual(8);
    for (const row of result.rows) expect(row.killed, `${row.fault} on ${row.operation}`).toBe(true);
    expect(result.rows.find((r) => r.fault === 'wrong-meta-key')?.caughtBy).toContain('list.meta-key');
    expect(mutationMarkdown(result)).toMatch(
      /mutants killed \(100\.0 %\)\*\* over \d+ resources .*, 0 false alarms/,
    );
  });
});
