// The verification proxy between Pact and the provider: every answer judged against the resolved
// contract. Pact cannot pin what it cannot say ("optional", "this type or null"), so a field that is
// present but wrong passes Pact's matchers; the proxy fails the verification on it, one line naming
// the operation, the pointer and what was expected — and stays quiet on a faithful provider, on one
// that leaves optional fields out, and on a null Twilio's convention allows.

import { describe, expect, it } from 'vitest';
import { mutants } from '../../src/mutation/run';
import { judgeRead } from '../../src/pact/answers';
import { generate } from '../../src/schemas/generate';
import { FAULTS } from '../../src/targets/targets';
import { index } from '../support/pact';
import { contract } from '../support/provider';
import { type VerifyCase, verifyInChild } from '../support/verify-batch';

const reads = contract.operations.map((op) => op.id);
const everything = [...reads, ...contract.writes.map((w) => w.id)];

/**
 * The catalogue's faults whose bodies carry a field that is there but wrong (its type, pattern, format
 * or bound: what response.schema catches), each on one operation of every resource it applies to.
 */
const presentButWrong = mutants(
  contract,
  FAULTS.filter((f) => f.caughtBy === 'response.schema').map((f) => f.name),
).filter((m, k, all) => {
  const resource = (m: (typeof all)[number]) => `${m.fault.name} ${index.get(m.operation ?? '')?.resource}`;
  return all.findIndex((x) => resource(x) === resource(m)) === k;
});

// The faithful provider verifies every interaction through the proxy in provider-verification.test.ts.
const CASES: Record<string, VerifyCase> = {
  'omit-optional': { fault: 'omit-optional', operations: everything },
  ...Object.fromEntries(
    presentButWrong.map((m) => {
      const spec = `${m.fault.name}@${m.operation}`;
      return [spec, { fault: spec, operations: [m.operation as string] }];
    }),
  ),
};
let verified: Promise<Record<string, string | undefined>> | undefined;
const verification = async (name: string) => {
  if (!(name in CASES)) throw new Error(`${name}: not one of the cases verified`);
  verified ??= verifyInChild(Object.values(CASES)).then((rs) =>
    Object.fromEntries(Object.keys(CASES).map((k, i) => [k, rs[i] ?? undefined])),
  );
  return (await verified)[name];
};

describe('the verification proxy judges every answer against the contract', { timeout: 180_000 }, () => {
  it('verifies clean a provider that leaves every optional field out (omit-optional), every interaction', async () => {
    expect(await verification('omit-optional')).toBeUndefined();
  });

  it(`fails each of the ${presentButWrong.length} mutants whose bodies carry a present-but-wrong field, naming operation and pointer`, async () => {
    expect(presentButWrong.length).toBeGreaterThanOrEqual(6);
    let pactAloneMissed = 0;
    for (const m of presentButWrong) {
      const spec = `${m.fault.name}@${m.operation}`;
      const failure = (await verification(spec)) ?? '';
      expect(failure, spec).toMatch(
        new RegExp(`^proxy: .*\\(${m.operation}\\): /\\S* .*; expected .*, got `, 'm'),
      );
      if (!/BodyMismatch|StatusMismatch|did not match/.test(failure)) pactAloneMissed++;
    }
    // Without the proxy these would verify: Pact's matchers pin only what a source requires, never a free value.
    expect(pactAloneMissed).toBeGreaterThanOrEqual(6);
  });
});

describe('a read’s answer against the resolved contract', () => {
  const fetchTool = index.get('FetchTool');
  if (!fetchTool) throw new Error('FetchTool is not in the model');
  const body = generate(contract.merged(fetchTool), 7, 'item') as Record<string, unknown>;
  const answer = (over: Record<string, unknown>) => ({
    status: 200,
    headers: {},
    body: Buffer.from(JSON.stringify({ ...body, ...over })),
  });

  it('a value answered null where Twilio has none for it (x-unset), or an optional field left out, is no problem', () => {
    const schema = contract.merged(fetchTool);
    const optional = Object.keys(schema.properties ?? {}).find((k) => !schema.required?.includes(k));
    expect(optional).toBeDefined();
    const { [optional as string]: _left, ...rest } = body;
    expect(
      judgeRead(contract, fetchTool, answer({ name: null, description: null, date_created: null })),
    ).toEqual([]);
    expect(
      judgeRead(contract, fetchTool, { ...answer({}), body: Buffer.from(JSON.stringify(rest)) }),
    ).toEqual([]);
  });

  it('null where the contract does not allow it (a boolean, the identifier) is one line each', () => {
    const lines = judgeRead(contract, fetchTool, answer({ enabled: null, id: null })).map((p) => p.line);
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['/enabled', '/id']);
    expect(lines).toHaveLength(2);
  });
});
