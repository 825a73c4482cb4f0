// Acceptance (issue #27, item 4): each way the independent stand-in can break a write is caught by a
// run that writes, on an empty account: exit 1, with an error of the rule that exists for it on the
// write that broke (and, where the rule's id is not settled, a message that says what broke).
// Each case has a stand-in, a report folder and a run of its own, all in this process (the command
// function the built one runs: suites/independent/conformance-writes.test.ts runs the process), side
// by side.

import { describe, it } from 'vitest';
import { runCli } from '../support/fixtures';
import { conformance, explain } from '../support/independent/acceptance';
import { standIn } from '../support/independent/client';
import { MISBEHAVIOURS } from '../support/independent/misbehaviours';

const cases = Object.entries(MISBEHAVIOURS).map(([name, m]) => [name, m.does, m] as const);

describe('a broken write is caught, by the rule that exists for it', () => {
  it.concurrent.for(cases)('%s (%s)', { timeout: 180_000 }, async ([name, _does, m], { expect }) => {
    const s = await standIn({ misbehave: [name], processingMs: 300 });
    const r = await conformance(s, ['--no-pagination', '--processing-timeout', '3'], runCli);
    const why = explain(r, s);
    const message = 'message' in m ? m.message : /./;
    const caught = (r.report?.findings ?? []).filter(
      (f) =>
        f.severity === 'error' &&
        m.rule.test(f.rule) &&
        m.operation.test(f.operation) &&
        message.test(f.message),
    );
    expect.soft(r.status, why).toBe(1);
    expect
      .soft(caught.length, `no error of ${m.rule} on ${m.operation} saying ${message}\n  ${why}`)
      .toBeGreaterThan(0);
  });
});
