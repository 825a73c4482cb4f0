// Drift: any two of docs page, spec, schema folder and traffic, compared by one engine and
// classified by the rules table from a consumer's point of view, direction by direction.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSides } from '../../src/drift/diff';
import { observe, observedSchema, observeExchanges } from '../../src/drift/infer';
import { observedDrift } from '../../src/drift/observed';
import { comparePatterns } from '../../src/drift/patterns';
import { contractSide, loadSide, trafficSide } from '../../src/drift/sides';
import { DRIFT_RULES, levelOf } from '../../src/drift/table';
import type { Finding } from '../../src/finding';
import { type Operation, operationLabel } from '../../src/model/operation';
import { Contract } from '../../src/schemas/contract';
import { generate } from '../../src/schemas/generate';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { FIXTURES, needsSources, realSources, runCli, runProcess, sourcesMissing } from '../support/fixtures';
import { runAgainstProvider } from '../support/provider';

// biome-ignore lint/suspicious/noExplicitAny: the corpus edits fixture specs freely
type Spec = Record<string, any>;
const SCHEMAS = join(PROJECT_ROOT, 'schemas');
const base = (): Spec => JSON.parse(readFileSync(join(FIXTURES, 'drift/widgets.openapi.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'drift-'));
const write = (name: string, doc: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
};
/** The contract keyword a traffic-drift finding names (its message reads "<pointer>: breaking: <keyword> (<source>)…"). */
const keywordOf = (f: Finding): string => /: breaking: ([\w-]+) \(/.exec(f.message)?.[1] ?? f.rule;
const session = (s: Spec) => s.components.schemas.session.properties;
const query = (s: Spec) => s.paths['/v1/Sessions'].get.parameters;

function diffOf(mutate: (s: Spec) => void): Finding[] {
  const after = base();
  mutate(after);
  return diffSides(
    loadSide(write('before.json', base()), SCHEMAS),
    loadSide(write(`after-${Math.random()}.json`, after), SCHEMAS),
  );
}

const corpus: Array<[string, (s: Spec) => void, string, string]> = [
  ['a response field removed', (s) => delete session(s).label, '/label', 'drift.response-field-remove'],
  [
    'an optional response field added',
    (s) => (session(s).colour = { type: 'string' }),
    '/colour',
    'drift.response-field-add',
  ],
  [
    'a response field type changed',
    (s) => (session(s).count.type = 'string'),
    '/count',
    'drift.response-type-change',
  ],
  [
    'a response field type widened',
    (s) => (session(s).count.type = 'number'),
    '/count',
    'drift.response-type-widen',
  ],
  [
    'a response field became nullable',
    (s) => (session(s).count.nullable = true),
    '/count',
    'drift.response-nullable-add',
  ],
  [
    'a response format changed',
    (s) => (session(s).created.format = 'date'),
    '/created',
    'drift.response-format-change',
  ],
  [
    'a response pattern narrowed',
    (s) => (session(s).sid.pattern = '^WG[0-9]{32}$'),
    '/sid',
    'drift.response-pattern-narrow',
  ],
  [
    'a response pattern widened',
    (s) => (session(s).sid.pattern = '^WG[0-9a-fA-F]{32}$'),
    '/sid',
    'drift.response-pattern-widen',
  ],
  [
    'a response pattern changed both ways',
    (s) => (session(s).sid.pattern = '^XY[0-9a-f]{32}$'),
    '/sid',
    'drift.response-pattern-change',
  ],
  [
    'a response pattern rewritten to the same language',
    (s) => (session(s).sid.pattern = '^WG[a-f0-9]{32}$'),
    '/sid',
    'drift.response-pattern-rewrite',
  ],
  [
    'a response field no longer required',
    (s) => (s.components.schemas.session.required = []),
    '/sid',
    'drift.response-required-remove',
  ],
  [
    'a response maximum raised',
    (s) => (session(s).count.maximum = 200),
    '/count/maximum',
    'drift.response-bound-widen',
  ],
  [
    'a maxLength added to a response field',
    (s) => (session(s).label.maxLength = 64),
    '/label/maxLength',
    'drift.response-bound-narrow',
  ],
  [
    'a response enum value added',
    (s) => session(s).status.enum.push('failed'),
    '/status',
    'drift.response-enum-widen',
  ],
  [
    'a response enum value removed',
    (s) => session(s).status.enum.pop(),
    '/status',
    'drift.response-enum-narrow',
  ],
  [
    'the PageSize maximum lowered',
    (s) => (query(s)[0].schema.maximum = 100),
    '/query/PageSize/maximum',
    'drift.request-bound-narrow',
  ],
  [
    'the PageSize maximum raised',
    (s) => (query(s)[0].schema.maximum = 5000),
    '/query/PageSize/maximum',
    'drift.request-bound-widen',
  ],
  [
    'a query parameter given a format',
    (s) => (query(s)[1].schema.format = 'uri'),
    '/query/Colour',
    'drift.request-format-add',
  ],
  [
    'a required query parameter added',
    (s) => query(s).push({ name: 'Owner', in: 'query', required: true, schema: { type: 'string' } }),
    '/query/Owner',
    'drift.request-required-add',
  ],
  [
    'an optional query parameter added',
    (s) => query(s).push({ name: 'Owner', in: 'query', schema: { type: 'string' } }),
    '/query/Owner',
    'drift.request-parameter-add',
  ],
  ['a query parameter removed', (s) => query(s).pop(), '/query/Colour', 'drift.request-parameter-remove'],
  [
    'a query enum value removed',
    (s) => query(s)[1].schema.enum.pop(),
    '/query/Colour',
    'drift.request-enum-narrow',
  ],
  [
    'a query enum value added',
    (s) => query(s)[1].schema.enum.push('green'),
    '/query/Colour',
    'drift.request-enum-widen',
  ],
  [
    'an error status added',
    (s) => (s.paths['/v1/Sessions/{id}'].get.responses['404'] = { description: 'nope' }),
    '/status/404',
    'drift.response-status-add',
  ],
  [
    'an error status removed',
    (s) => delete s.paths['/v1/Sessions'].get.responses['400'],
    '/status/400',
    'drift.response-status-remove',
  ],
];

describe('drift corpus: one change in, one classified change out (per operation that shows it)', () => {
  it('a spec against itself has no drift', () => {
    expect(diffOf(() => {})).toEqual([]);
  });

  it.each(corpus)('%s', (_name, mutate, pointer, rule) => {
    const changes = diffOf(mutate);
    expect([...new Set(changes.map((c) => `${c.pointer} ${c.rule}`))]).toEqual([`${pointer} ${rule}`]);
    expect(changes[0]?.message.length).toBeGreaterThan(20);
    expect(changes[0]?.category).toBe('contract');
  });

  it('direction decides: a request accepting less and a response sending more break consumers, the reverse does not', () => {
    const level = (rule: string) => DRIFT_RULES.find((r) => r.name === rule)?.level;
    expect(level('drift.request-bound-narrow')).toBe('breaking');
    expect(level('drift.request-bound-widen')).toBe('non-breaking');
    expect(level('drift.response-bound-widen')).toBe('breaking');
    expect(level('drift.response-bound-narrow')).toBe('non-breaking');
    expect(level('drift.response-nullable-add')).toBe('breaking');
    expect(level('drift.response-enum-widen')).toBe('breaking');
    expect(level('drift.request-enum-widen')).toBe('non-breaking');
    // Every row is reachable from one (direction, subject, action): the table has no duplicate.
    const keys = DRIFT_RULES.map((r) => `${r.direction} ${r.subject} ${r.action}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('pattern comparison', () => {
  it.each([
    ['^a+$', '^a{1,}$', 'equivalent'],
    ['^AC[0-9a-fA-F]{32}$', '^AC[0-9a-f]{32}$', 'narrowed'],
    ['^AC[0-9a-f]{32}$', '^AC[0-9a-fA-F]{32}$', 'widened'],
    ['^aia_asst_*$', '^aia_asst_.+$', 'incomparable'],
  ])('%s → %s is %s', (a, b, relation) => {
    expect(comparePatterns(a, b).relation).toBe(relation);
  });
  it('uses documented examples as witnesses, from both sides', () => {
    const c = comparePatterns('^aia_asst_*$', '^aia_asst_.+$', ['aia_asst'], ['aia_asst_x1']);
    expect(c.onlyOld).toContain('aia_asst');
    expect(c.onlyNew).toContain('aia_asst_x1');
  });
  it('catastrophic-backtracking patterns end within the bound', () => {
    const started = performance.now();
    const c = comparePatterns('^(a|a)*$', '^(a+)+b$', ['a'.repeat(40)], [`${'a'.repeat(40)}b`]);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(['incomparable', 'narrowed', 'widened']).toContain(c.relation);
  });
});

describe('traffic as a source, against the resolved contract', () => {
  const observed = (assistantId: string) => ({
    runs: [],
    observed: [
      {
        operation: 'GET /v1/Sessions/{id}',
        path: '/v1/Sessions/{id}',
        objects: 1,
        instance: observedSchema(
          observe([
            {
              id: 'sess_1',
              account_sid: `AC${'a'.repeat(32)}`,
              assistant_id: assistantId,
              verified: true,
              identity: 'u',
              date_created: '2024-01-01T00:00:00Z',
              date_updated: '2024-01-01T00:00:00Z',
            },
          ]),
        ),
        statuses: ['200', '401', '404'],
      },
    ],
  });

  it('a faithful provider’s traffic drifts nothing breaking (a real assistant_id passes the spec’s pattern)', async () => {
    const r = await runCli('drift', [
      '--from',
      SCHEMAS,
      '--to',
      write('faithful.json', observed('aia_asst_6e7825d2-9636')),
    ]);
    expect(r.stdout).not.toMatch(/🔴/);
    expect(r.status).toBe(0);
  });

  it('an assistant_id that breaks both sources’ patterns is breaking: exit 1 (as a process)', async () => {
    const r = await runProcess('drift', [
      '--from',
      SCHEMAS,
      '--to',
      write('broken.json', observed('asst_1')),
      '--json',
    ]);
    expect(r.status).toBe(1);
    const { changes } = JSON.parse(r.stdout) as { changes: Finding[] };
    expect(changes.find((c) => c.pointer === '/assistant_id')).toMatchObject({
      rule: 'drift.response-observed-pattern-violate',
    });
  });

  it('the shipped recordings drift nothing breaking from the committed schemas', () => {
    const changes = diffSides(
      loadSide(SCHEMAS, SCHEMAS),
      loadSide(join(PROJECT_ROOT, 'suites/recordings'), SCHEMAS),
    );
    expect(changes.filter((c) => levelOf(c) === 'breaking')).toEqual([]);
  });
});

describe('one verdict per body: traffic drift and conformance judge the same bodies alike', () => {
  const contract = Contract.load(SCHEMAS, 'both');
  const side = contractSide(contract, 'contract');
  const fold = (p: string) => p.replace(/\/\d+(?=\/|$)/g, '/*');
  /** Conformance's blocking verdict on one body: response.schema and response.fields-present errors. */
  const conformanceErrors = (op: Operation, body: unknown) =>
    new Set(
      contract
        .validate(op, body)
        .filter((v) => v.severity === 'error')
        .map((v) => `${fold(v.pointer)} ${v.keyword}`),
    );
  const driftBreaking = (op: Operation, bodies: unknown[]) =>
    diffSides(
      side,
      trafficSide('traffic', observationsOfBodies(op, bodies), new Map([[operationLabel(op), bodies]])),
    ).filter((f) => levelOf(f) === 'breaking');
  const observationsOfBodies = (op: Operation, bodies: unknown[]) =>
    observeExchanges(
      bodies.map((json) => ({
        operation: operationLabel(op),
        path: op.path,
        ...(op.itemsKey ? { itemsKey: op.itemsKey } : {}),
        kind: op.kind,
        status: 200,
        json,
      })),
    );

  it('null in a string field is Twilio’s unset value, accepted by both; null in a number field is reported by both', () => {
    const op = contract.operations.find((o) => o.id === 'FetchKnowledge') as Operation;
    const body = {
      id: 'aia_know_1',
      name: 'n',
      type: 'File',
      embedding_model: null,
      date_created: '2024-01-01T00:00:00Z',
      date_updated: '2024-01-01T00:00:00Z',
    };
    expect(conformanceErrors(op, body)).toEqual(new Set());
    expect(driftBreaking(op, [body])).toEqual([]);
    // An identifier (a pattern) is never unset: null there is a type error in both.
    const noId = { ...body, id: null };
    expect(conformanceErrors(op, noId)).toEqual(new Set(['/id type']));
    expect(driftBreaking(op, [noId]).map((f) => `${f.rule} ${f.pointer}`)).toEqual([
      'drift.response-observed-type-violate /id',
    ]);
  });

  it('an optional field never seen is info, never a removal; a required one missing is breaking, naming its source', () => {
    const op = contract.operations.find((o) => o.id === 'FetchKnowledge') as Operation;
    const body = {
      id: 'aia_know_1',
      type: 'File',
      date_created: '2024-01-01T00:00:00Z',
      date_updated: '2024-01-01T00:00:00Z',
    };
    const all = diffSides(
      side,
      trafficSide('traffic', observationsOfBodies(op, [body]), new Map([[operationLabel(op), [body]]])),
    );
    expect(all.filter((f) => f.rule === 'drift.response-field-remove')).toEqual([]);
    expect(all.find((f) => f.pointer === '/description')).toMatchObject({
      rule: 'drift.response-field-unseen',
      severity: 'info',
    });
    expect(all.filter((f) => levelOf(f) === 'breaking')).toEqual([
      expect.objectContaining({ rule: 'drift.response-observed-required-violate', pointer: '/name' }),
    ]);
    expect(all.find((f) => f.pointer === '/name')?.message).toMatch(/openapi spec/);
  });

  it('a provider that leaves out every optional property passes conformance and traffic drift with no error', async () => {
    const run = await runAgainstProvider({ fault: 'omit-optional' });
    expect(run.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const drift = observedDrift(run.target, run.observations, contract);
    expect(drift.findings.filter((f) => f.severity === 'error')).toEqual([]);
    // Not silence: what was never seen is said, as info.
    expect(drift.findings.some((f) => f.rule === 'drift.response-field-unseen')).toBe(true);
  });

  it('on generated bodies of every operation, drift is breaking exactly where conformance errs', () => {
    // Bodies a provider may send: valid ones with values swapped for other JSON (null, numbers,
    // strings that break patterns and formats), fields left out, items added: every outcome a finding can have.
    const wild = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constantFrom('', 'x', '2024-13-01', 'not a uri', 'aia_asst_1', `AC${'0'.repeat(32)}`),
      fc.constant({}),
      fc.constant([]),
    );
    for (const op of contract.operations) {
      const schema = contract.merged(op);
      const instance = op.kind === 'list' ? schema.properties?.[op.itemsKey ?? '']?.items : schema;
      const fields = Object.keys(instance?.properties ?? {});
      const item = fc
        .tuple(fc.nat(), fc.subarray(fields), fc.dictionary(fc.constantFrom(...fields), wild))
        .map(([seed, dropped, swapped]) => {
          const base = generate(instance ?? {}, seed, 'item') as Record<string, unknown>;
          for (const d of dropped) delete base[d];
          return { ...base, ...swapped };
        });
      const body =
        op.kind === 'list'
          ? fc
              .array(item, { maxLength: 3 })
              .map((items) => ({ ...(generate(schema, 1, 'page') as object), [op.itemsKey ?? '']: items }))
          : item;
      fc.assert(
        fc.property(fc.array(body, { minLength: 1, maxLength: 3 }), (bodies) => {
          const items = op.itemsKey ? new RegExp(`^/${op.itemsKey}/\\*`) : undefined;
          const want = new Set(
            bodies.flatMap((b) =>
              [...conformanceErrors(op, b)].map((k) => (items ? k.replace(items, '') : k)),
            ),
          );
          const got = new Set(driftBreaking(op, bodies).map((f) => `${f.pointer} ${keywordOf(f)}`));
          expect(got).toEqual(want);
        }),
        { numRuns: 25, seed: 20261127 },
      );
    }
  });
});

describe.skipIf(sourcesMissing)(needsSources('drift on the real docs page and spec'), () => {
  it('reports date_created and the assistant_id pattern, each classified with a reason; exit 1 on breaking', async () => {
    const docs = realSources.docs[0] as string;
    const r = await runCli('drift', ['--from', docs, '--to', realSources.spec, '--json']);
    expect(r.status).toBe(1);
    const { changes } = JSON.parse(r.stdout) as { changes: Finding[] };
    const fetch = changes.filter((c) => c.operation === 'GET /v1/Sessions/{id}');
    expect(fetch.map((c) => [c.pointer, c.rule, levelOf(c)])).toEqual([
      ['/assistant_id', 'drift.response-pattern-change', 'breaking'],
      ['/date_created', 'drift.response-field-add', 'non-breaking'],
    ]);
    expect(fetch[0]).toMatchObject({ expected: '^aia_asst_*$', actual: '^aia_asst_.+$' });
    expect(changes).toHaveLength(4);
    const none = await runCli('drift', ['--from', docs, '--to', realSources.spec, '--fail-on', 'none']);
    expect(none.status).toBe(0);
    expect(none.stdout).toMatch(/\*\*2 breaking\*\*, 2 non-breaking/);
  });
});

describe('bad drift input', () => {
  it.each([
    [['--from', 'x'], /^drift: needs --from A and --to B/],
    [['--from', '/nope', '--to', '/nope'], /^drift: \/nope: not found/],
    [
      [
        '--from',
        join(FIXTURES, 'drift/widgets.openapi.json'),
        '--to',
        join(FIXTURES, 'docs/garbage.docs.txt'),
      ],
      /^drift: garbage\.docs\.txt:\d+: no resource-properties table/,
    ],
  ])('%j: one line, exit 2', async (args, message) => {
    const r = await runCli('drift', args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
