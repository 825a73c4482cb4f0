import { describe, expect, it } from 'vitest';
import { mutationMarkdown, runMutation } from '../../src/mutation/run';
import { faultNamed } from '../../src/provider/faults';
import { contract } from '../support/provider';

describe('mutation score', () => {
  it('kills a check fault and a pagination fault, with no false alarm on the faithful provider', async () => {
    const faults = ['wrong-meta-key', 'lost-across-pages']
      .map((n) => faultNamed(n))
      .filter((f) => f !== undefined);
    const result = await runMutation(contract, { faults, numRuns: 10 });
    expect(result.falseAlarms).toEqual([]);
    expect(result.rows.map((r) => [r.fault, r.killed])).toEqual([
      ['wrong-meta-key', true],
      ['lost-across-pages', true],
    ]);
    expect(result.rows[0]?.caughtBy).toEqual(expect.arrayContaining(['list.meta-key', 'pact']));
    expect(mutationMarkdown(result)).toMatch(/\*\*2\/2 faults killed \(100\.0 %\)\*\*, 0 false alarms/);
  });
});
