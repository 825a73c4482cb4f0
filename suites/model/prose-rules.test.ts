// Rules stated only in prose become data (x-rules), untyped request fields take the shape responses
// document, and what reads like a rule but is not understood is listed. Bodies built from the request
// honour all of it; each negative body breaks it; one check (request-check) says which is which.

import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/model/json-schema';
import { rulesOf, unreadProse, withProseRules } from '../../src/model/prose-rules';
import { negativeBodies, validBody } from '../../src/schemas/bodies';
import { requestViolations } from '../../src/schemas/request-check';
import { contract } from '../support/provider';

const request = (props: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties: props,
  required,
});

describe('prose → rules', () => {
  it('reads "required for X but disallowed for other" and "only applicable to" against the sibling that lists X', () => {
    const s = withProseRules(
      request(
        {
          kind: { type: 'string', 'x-values': ['Alpha', 'Beta', 'Gamma'] },
          model: {
            type: 'string',
            description: "The model. It's required for 'Beta' type but disallowed for other types.",
          },
          region: {
            type: 'string',
            description: 'Where it runs. Only applicable to Alpha and Gamma kinds, see rules.',
          },
          depth: { type: 'string', description: "Only applicable to 'Gamma' and 'Alpha' kind." },
        },
        ['kind'],
      ),
      [],
    );
    expect(rulesOf(s).map((r) => [r.kind, r.field, r.when.field, r.when.values])).toEqual([
      ['required-when', 'model', 'kind', ['Beta']],
      ['only-when', 'model', 'kind', ['Beta']],
      ['only-when', 'depth', 'kind', ['Gamma', 'Alpha']],
    ]);
    // Unquoted values are not guessed at: the sentence is listed as not understood.
    expect(unreadProse(s)).toEqual([
      { field: 'region', pointer: '/region', text: 'Only applicable to Alpha and Gamma kinds, see rules.' },
    ]);
  });

  it('names the condition by the sibling the sentence names when no sibling lists the values', () => {
    const s = withProseRules(
      request({
        mode: { type: 'string' },
        webhook: { type: 'string', description: "Required when mode is 'async'." },
        label: { type: 'string', description: 'Must be unique per account.' },
      }),
      [],
    );
    expect(rulesOf(s)).toEqual([
      {
        kind: 'required-when',
        field: 'webhook',
        when: { field: 'mode', values: ['async'] },
        text: "Required when mode is 'async'.",
      },
    ]);
    expect(unreadProse(s).map((u) => u.field)).toEqual(['label']);
  });

  it('types an untyped request field as every response documents it, at any depth, and only then', () => {
    const s = withProseRules(request({ policy: request({ details: {}, other: {} }), loose: {} }), [
      { type: 'object', properties: { details: { type: 'object' }, loose: { type: 'string' } } },
      {
        type: 'object',
        properties: {
          items: { type: 'array', items: { type: 'object', properties: { loose: { type: 'integer' } } } },
        },
      },
    ]);
    expect(s.properties?.policy?.properties?.details).toMatchObject({
      type: 'object',
      'x-typed-by': 'responses',
    });
    // No response documents `other`; responses disagree on `loose`: both stay untyped.
    expect(s.properties?.policy?.properties?.other?.type).toBeUndefined();
    expect(s.properties?.loose?.type).toBeUndefined();
  });
});

describe('the derived contract of the real spec', () => {
  const write = (id: string) => {
    const w = contract.writes.find((x) => x.id === id);
    if (!w) throw new Error(`no ${id}`);
    return w;
  };
  const withRules = contract.writes.filter((w) => w.request && rulesOf(w.request).length > 0);

  it('reads the knowledge source’s embedding_model rule and the policy_details shape from the spec', () => {
    expect(withRules.length).toBeGreaterThan(0);
    const create = contract.writes.find((w) => rulesOf(w.request).some((r) => r.kind === 'required-when'));
    expect(
      create && rulesOf(create.request).map((r) => `${r.kind} ${r.field} ${r.when.field}=${r.when.values}`),
    ).toEqual(['required-when embedding_model type=Database', 'only-when embedding_model type=Database']);
    const policy = write('CreateTool').request?.properties?.policy;
    expect(policy?.properties?.policy_details).toMatchObject({ type: 'object', 'x-typed-by': 'responses' });
  });

  it('refuses what the prose refuses, naming the field and quoting the source', () => {
    const w = write('CreateKnowledge');
    const [missing] = requestViolations(contract, w, { name: 'n', type: 'Database' });
    expect(missing).toMatchObject({ pointer: '/embedding_model', keyword: 'x-rules' });
    expect(missing?.message).toBe("embedding_model is required when type is 'Database'");
    expect(missing?.source).toMatch(/required for 'Database' type/);
    expect(
      requestViolations(contract, w, { name: 'n', type: 'Web', embedding_model: 'm' })[0]?.message,
    ).toMatch(/embedding_model is allowed only when type is 'Database' \(type is 'Web'\)/);
    expect(requestViolations(contract, w, { name: 'n', type: 'Video' })[0]?.message).toMatch(
      /type must be one of/,
    );
    expect(requestViolations(contract, w, { name: 'n', type: 'Database', embedding_model: 'm' })).toEqual([]);
    const tool = write('CreateTool');
    const policy = { policy_details: 'a string' };
    expect(
      requestViolations(contract, tool, { name: 'n', type: 'WEBHOOK', enabled: true, policy })[0],
    ).toMatchObject({
      pointer: '/policy/policy_details',
      keyword: 'type',
    });
  });

  it('every valid body of every write passes the one check, whatever the seed and optional fields', () => {
    for (const w of contract.writes.filter((x) => x.request))
      for (let seed = 0; seed < 40; seed++)
        for (const optional of [false, true] as const) {
          const body = validBody(w, { seed, tag: 'conformance-test', optional });
          expect([w.id, seed, optional, requestViolations(contract, w, body)]).toEqual([
            w.id,
            seed,
            optional,
            [],
          ]);
        }
  });

  it('leaves out what names another item unless required: no made-up policy id', () => {
    const body = validBody(write('CreateTool'), { seed: 1, optional: ['policy'] });
    expect(body?.policy).toEqual({ policy_details: {} });
  });

  it('every negative body breaks the one check, the prose rules included', () => {
    const whys: string[] = [];
    for (const w of contract.writes.filter((x) => x.request)) {
      const valid =
        validBody(w, {
          seed: 7,
          optional: Object.keys(w.request?.properties ?? {}).filter((k) => k === 'policy'),
        }) ?? {};
      for (const n of negativeBodies(w, valid)) {
        whys.push(`${w.id}: ${n.why}`);
        expect([w.id, n.why, requestViolations(contract, w, n.body).length > 0]).toEqual([w.id, n.why, true]);
      }
    }
    expect(whys).toContainEqual(
      expect.stringMatching(/^CreateKnowledge: embedding_model missing while type is 'Database'/),
    );
    expect(whys).toContainEqual(
      expect.stringMatching(/^CreateKnowledge: embedding_model sent while type is '(Web|Text|File)'/),
    );
    expect(whys).toContainEqual(
      expect.stringMatching(
        /^CreateTool: policy.policy_details of the wrong type \(string where every response documents object\)/,
      ),
    );
  });
});

describe('what is not understood is said', () => {
  it('npm run schemas lists each rule-like sentence it could not read, naming the write and field', async () => {
    const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { FIXTURES, runCli } = await import('../support/fixtures');
    const spec = JSON.parse(readFileSync(join(FIXTURES, 'specs/gadgets.openapi.json'), 'utf8'));
    const body = spec.paths['/v3/Gadgets'].post.requestBody.content['application/json'].schema;
    body.properties.label.description = 'Must be unique per box.';
    const dir = mkdtempSync(join(tmpdir(), 'unread-'));
    writeFileSync(join(dir, 'gadgets.json'), JSON.stringify(spec));
    const r = await runCli('schemas', [
      '--spec',
      join(dir, 'gadgets.json'),
      '--out',
      join(dir, 'out'),
      '--report-dir',
      dir,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /note: CreateGadget \/label: reads like a rule but is not understood, not enforced: "Must be unique per box\."/,
    );
  });
});
