// Every rule passes on the faithful provider and fails on the fault it exists for, on operations of
// several resources (nested lists included): a rule that cannot fail is no rule.

import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/model/operation';
import { operationLabel } from '../../src/model/operation';
import { FAULTS } from '../../src/provider/faults';
import { RULES, selectRules } from '../../src/report/rules';
import { OBSERVATION_RULES } from '../../src/rules/observation-rules';
import { undocumentedFields } from '../../src/rules/response';
import { foldIndices, type Observation, parseBody } from '../../src/rules/rule';
import { generate } from '../../src/schemas/generate';
import { contract, runAgainstProvider } from '../support/provider';

const op = (id: string) => {
  const found = contract.operations.find((o) => o.id === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
};

describe('the registry', () => {
  it('names every rule once, each with a kind and what it asserts', () => {
    const names = RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of RULES) {
      expect(r.asserts.length, r.name).toBeGreaterThan(10);
      expect([
        'transport',
        'response',
        'list',
        'scenario',
        'write',
        'pagination',
        'triangulation',
        'drift',
      ]).toContain(r.kind);
    }
  });

  it('selects by name or kind, and refuses an unknown name', () => {
    expect([...selectRules(['list.meta-key'])]).toEqual(['list.meta-key']);
    expect([...selectRules(['pagination'])].every((n) => n.startsWith('pagination.'))).toBe(true);
    expect(() => selectRules(['no.such-rule'])).toThrow(/unknown rule no.such-rule/);
  });

  it('every observation rule is the target of some fault', () => {
    const targets = FAULTS.map((f) => f.caughtBy);
    for (const r of OBSERVATION_RULES.filter((x) => x.name !== 'response.undocumented-fields'))
      expect(targets, r.name).toContain(r.name);
  });
});

describe('the faithful reference provider', () => {
  it('passes every rule on all 15 operations, with no error finding', async () => {
    const run = await runAgainstProvider({ pagination: true, paginationRuns: 3 });
    expect(run.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(new Set(run.observations.map((o) => o.op.id)).size).toBe(contract.operations.length);
    for (const rule of OBSERVATION_RULES) {
      const outcomes = run.results.filter((r) => r.rule === rule.name).map((r) => r.outcome);
      expect(outcomes, rule.name).not.toContain('failed');
      expect(outcomes, `${rule.name} ran`).toContain('passed');
    }
    // Nested lists are read under a parent that has children, past their first page.
    for (const nested of contract.operations.filter((o) => o.kind === 'list' && o.pathParams.length)) {
      const next = run.observations.find((o) => o.op === nested && o.scenario === 'list-next');
      expect(next?.exchange.response?.status, operationLabel(nested)).toBe(200);
    }
  });

  it('gives the same findings and results at any concurrency', async () => {
    const strip = (run: Awaited<ReturnType<typeof runAgainstProvider>>) =>
      JSON.stringify({ findings: run.findings, results: run.results }).replace(/127\.0\.0\.1:\d+/g, 'HOST');
    const [serial, parallel] = await Promise.all([
      runAgainstProvider({ pagination: true, paginationRuns: 2, concurrency: 1 }),
      runAgainstProvider({ pagination: true, paginationRuns: 2, concurrency: 8 }),
    ]);
    expect(strip(parallel)).toBe(strip(serial));
    expect(parallel.observations.map((o) => `${o.op.id} ${o.scenario}`)).toEqual(
      serial.observations.map((o) => `${o.op.id} ${o.scenario}`),
    );
  });

  it('shows the docs/spec assistant_id disagreement as a warning naming both sources', async () => {
    const run = await runAgainstProvider({ operations: ['FetchSession'] });
    const w = run.findings.find((f) => f.rule === 'response.schema' && f.pointer === '/assistant_id');
    expect(w).toMatchObject({
      severity: 'warning',
      source: 'docs table and openapi spec',
      category: 'contract',
    });
    expect(w?.message).toMatch(/per the docs table, but satisfies the openapi spec/);
  });
});

// One mutant per (fault, operation): top-level and nested lists, fetches, on five resources.
const cases: Array<[string, string, string]> = [
  ['missing-field', 'ListKnowledge', 'response.fields-present'],
  ['missing-array', 'FetchAssistant', 'response.fields-present'],
  ['wrong-type', 'ListToolsByAssistant', 'response.schema'],
  ['wrong-id-prefix', 'ListFeedback', 'response.schema'],
  ['wrong-id-prefix', 'ListPolicies', 'response.schema'],
  ['non-iso-date', 'FetchKnowledge', 'response.schema'],
  ['above-maximum', 'ListKnowledgeChunks', 'response.schema'],
  ['wrong-meta-key', 'ListMessages', 'list.meta-key'],
  ['renamed-items-key', 'ListKnowledgeByAssistant', 'list.meta-key'],
  ['page-size-not-echoed', 'ListTools', 'list.page-size'],
  ['items-beyond-page-size', 'ListFeedback', 'list.page-size'],
  ['relative-next-page-url', 'ListKnowledgeChunks', 'list.page-urls'],
  ['url-other-host', 'ListPolicies', 'list.page-urls'],
  ['fetch-list-mismatch', 'FetchTool', 'fetch.matches-list'],
  ['html-404', 'ListMessages', 'fetch.unknown-id'],
  ['html-404', 'FetchKnowledgeStatus', 'fetch.unknown-id'],
  ['page-size-above-max-accepted', 'ListToolsByAssistant', 'list.page-size-bounds'],
  ['page-size-below-min-accepted', 'ListSessions', 'list.page-size-bounds'],
  ['no-auth', 'FetchKnowledgeStatus', 'auth.required'],
  ['wrong-content-type', 'ListAssistants', 'response.content-type'],
  ['truncated-json', 'FetchSession', 'response.json'],
  ['status-202', 'ListKnowledge', 'response.status'],
  ['invalid-utf8', 'ListMessages', 'response.encoding'],
  ['content-type-lies', 'FetchTool', 'response.json'],
];

describe('verdicts a team can trust', () => {
  it('a provider whose only fault is a non-ISO date_created fails, naming the spec as the source', async () => {
    const run = await runAgainstProvider({
      fault: 'non-iso-date@ListSessions',
      operations: ['ListSessions'],
    });
    const errors = run.findings.filter((f) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((f) => `${f.rule} ${foldIndices(f.pointer ?? '')} ${f.source}`))).toEqual(
      new Set(['response.schema /sessions/*/date_created openapi spec']),
    );
  });

  it.each([['dates-with-milliseconds'], ['dates-with-offset'], ['omit-optional']])(
    'a faithful variant (%s) raises no error anywhere',
    async (variant) => {
      const run = await runAgainstProvider({ fault: variant, pagination: true, paginationRuns: 2 });
      expect(run.findings.filter((f) => f.severity === 'error')).toEqual([]);
    },
  );

  it('an id that breaks both sources’ patterns is an error showing both', async () => {
    const fetch = op('FetchSession');
    const [e] = contract
      .validate(fetch, { assistant_id: 'asst_1' })
      .filter((v) => v.pointer === '/assistant_id');
    expect(e).toMatchObject({
      severity: 'error',
      source: 'docs table and openapi spec',
      expected: { 'docs table': { pattern: '^aia_asst_*$' }, 'openapi spec': { pattern: '^aia_asst_.+$' } },
    });
  });
});

describe('every rule fails on the fault it exists for', () => {
  it.each(cases)('%s on %s is caught by %s', async (fault, operation, rule) => {
    const run = await runAgainstProvider({ fault: `${fault}@${operation}`, operations: [operation] });
    const caught = run.findings.filter((f) => f.rule === rule && f.severity === 'error');
    expect(caught.length, `${rule} on ${fault}`).toBeGreaterThan(0);
    for (const f of caught) {
      expect(f.operation).toBe(operationLabel(op(operation)));
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.category).toBeDefined();
      expect(f.source.length).toBeGreaterThan(3);
    }
    expect(run.results.find((r) => r.rule === rule && r.outcome === 'failed')).toBeDefined();
  });

  it('a fault on one operation leaves the others passing', async () => {
    const run = await runAgainstProvider({
      fault: 'wrong-meta-key@ListMessages',
      operations: ['ListMessages', 'ListSessions'],
    });
    const errors = run.findings.filter((f) => f.severity === 'error');
    expect(new Set(errors.map((f) => f.operation))).toEqual(new Set([operationLabel(op('ListMessages'))]));
  });
});

describe('response.undocumented-fields (warning only: new fields are not breaking)', () => {
  it('warns about a field no source documents, in an item and in meta', () => {
    const list = op('ListMessages');
    const o: Observation = {
      scenario: 'list-default',
      op: list,
      expect: { status: 200, body: 'list' },
      exchange: {
        request: { method: 'GET', url: 'http://127.0.0.1:1/v1/Sessions/x/Messages', authenticated: true },
        response: { status: 200, headers: {}, body: '' },
        attempts: 1,
        durationMs: 1,
      },
      json: { messages: [{ id: 'aia_msg_1', colour: 'red' }], meta: { key: 'messages', cursor: 'x' } },
    };
    expect(undocumentedFields.run(o, contract).map((f) => [f.severity, f.pointer, f.actual])).toEqual([
      ['warning', '/messages/0/colour', 'colour'],
      ['warning', '/meta/cursor', 'meta.cursor'],
    ]);
  });
});

describe('validation stays bounded on huge bodies', () => {
  const list = contract.operations.find((o) => o.id === 'ListAssistants') as Operation;
  const meta = { key: 'assistants', page: 0, page_size: 50 };
  it('a page of 200,000 broken items: violations capped, the detail from the first items', () => {
    const v = contract.validate(list, { assistants: Array.from({ length: 200_000 }, () => ({})), meta });
    expect(v.length).toBeGreaterThan(0);
    expect(v.length).toBeLessThanOrEqual(2000);
    expect(new Set(v.map((x) => x.keyword))).toEqual(new Set(['required']));
  });

  it('a huge page broken only beyond the detailed items still fails, at the broken item', () => {
    const good = contract.merged(list).properties?.assistants?.items ?? {};
    const item = generate(good, 1, 'item') as Record<string, unknown>;
    const items = Array.from({ length: 1500 }, () => item);
    items[1400] = { ...item, id: 42 };
    const v = contract.validate(list, { assistants: items, meta });
    expect(v.map((x) => x.pointer)).toEqual(['/assistants/1400/id']);
  });
});

describe('a large body is held as text, not parsed', () => {
  it('over 1 MiB: the value is parsed again on demand, equal each time, and no parsed copy is kept on the observation', () => {
    const op = contract.operations.find((o) => o.kind === 'list') as Operation;
    const key = op.itemsKey ?? 'items';
    const body = JSON.stringify({
      [key]: Array.from({ length: 60_000 }, (_, i) => ({ n: i, s: 'x'.repeat(10) })),
    });
    const make = (text: string): Observation => ({
      scenario: 'list-default',
      op,
      expect: { status: 200, body: 'list' },
      exchange: {
        request: { method: 'GET', url: '/', authenticated: true },
        response: { status: 200, headers: {}, body: text },
      } as never,
    });
    const big = make(body);
    parseBody(big);
    expect(body.length).toBeGreaterThan(1 << 20);
    expect(Object.getOwnPropertyDescriptor(big, 'json')?.get).toBeTypeOf('function');
    expect(big.json).toEqual(JSON.parse(body));
    const other = make(JSON.stringify({ [key]: [] }).padEnd((1 << 20) + 10, ' '));
    parseBody(other);
    expect(other.json).toEqual({ [key]: [] });
    expect(big.json).toEqual(JSON.parse(body));
    const small = make('{"a":1}');
    parseBody(small);
    expect(Object.getOwnPropertyDescriptor(small, 'json')?.value).toEqual({ a: 1 });
  });
});
