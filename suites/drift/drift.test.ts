// A corpus of before/after pairs written for this project: each changes one thing in an OpenAPI
// spec and expects exactly one change with its class; nothing else may be reported.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DriftChange, diffModels } from '../../src/drift/diff';
import { loadModel } from '../../src/drift/model';
import { comparePatterns } from '../../src/drift/patterns';
import { FIXTURES, needsSources, realSources, runCli, sourcesMissing } from '../support/fixtures';

// biome-ignore lint/suspicious/noExplicitAny: the corpus edits fixture specs freely
type Spec = Record<string, any>;
const base = (): Spec => JSON.parse(readFileSync(join(FIXTURES, 'drift/widgets.openapi.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'drift-'));
const write = (name: string, spec: Spec) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(spec));
  return file;
};
const session = (s: Spec) => s.components.schemas.session.properties;
const query = (s: Spec) => s.paths['/v1/Sessions'].get.parameters;

function diffOf(mutate: (s: Spec) => void): DriftChange[] {
  const after = base();
  mutate(after);
  return diffModels(
    loadModel(write('before.json', base())),
    loadModel(write(`after-${Math.random()}.json`, after)),
  );
}

const corpus: Array<[string, (s: Spec) => void, Partial<DriftChange>]> = [
  [
    'a response field removed',
    (s) => delete session(s).label,
    { field: 'label', change: 'field-removed', class: 'breaking' },
  ],
  [
    'an optional response field added',
    (s) => (session(s).colour = { type: 'string' }),
    { field: 'colour', change: 'field-added', class: 'non-breaking' },
  ],
  [
    'a response field type changed',
    (s) => (session(s).count.type = 'string'),
    { field: 'count', change: 'type-changed', class: 'breaking' },
  ],
  [
    'a response field became nullable',
    (s) => (session(s).label.nullable = true),
    { field: 'label', change: 'nullable-added', class: 'breaking' },
  ],
  [
    'a response format changed',
    (s) => (session(s).created.format = 'date'),
    { field: 'created', change: 'format-changed', class: 'breaking' },
  ],
  [
    'a response pattern narrowed',
    (s) => (session(s).sid.pattern = '^WG[0-9]{32}$'),
    { field: 'sid', change: 'pattern-narrowed', class: 'breaking' },
  ],
  [
    'a response pattern widened',
    (s) => (session(s).sid.pattern = '^WG[0-9a-fA-F]{32}$'),
    { field: 'sid', change: 'pattern-widened', class: 'breaking' },
  ],
  [
    'a response pattern changed both ways',
    (s) => (session(s).sid.pattern = '^XY[0-9a-f]{32}$'),
    { field: 'sid', change: 'pattern-incomparable', class: 'breaking' },
  ],
  [
    'a response pattern rewritten to the same language',
    (s) => (session(s).sid.pattern = '^WG[a-f0-9]{32}$'),
    { field: 'sid', change: 'pattern-rewritten', class: 'info' },
  ],
  [
    'a response field no longer required',
    (s) => (s.components.schemas.session.required = []),
    { field: 'sid', change: 'required-removed', class: 'breaking' },
  ],
  [
    'a response maximum raised',
    (s) => (session(s).count.maximum = 200),
    { field: 'count', change: 'maximum-changed', class: 'breaking' },
  ],
  [
    'a response enum value added',
    (s) => session(s).status.enum.push('failed'),
    { field: 'status', change: 'enum-values-added', class: 'breaking' },
  ],
  [
    'a response enum value removed',
    (s) => session(s).status.enum.pop(),
    { field: 'status', change: 'enum-values-removed', class: 'non-breaking' },
  ],
  [
    'the PageSize maximum lowered',
    (s) => (query(s)[0].schema.maximum = 100),
    { location: 'query', field: 'PageSize', change: 'maximum-changed', class: 'breaking' },
  ],
  [
    'the PageSize maximum raised',
    (s) => (query(s)[0].schema.maximum = 5000),
    { location: 'query', field: 'PageSize', change: 'maximum-changed', class: 'non-breaking' },
  ],
  [
    'a required query parameter added',
    (s) => query(s).push({ name: 'Owner', in: 'query', required: true, schema: { type: 'string' } }),
    { location: 'query', field: 'Owner', change: 'parameter-added', class: 'breaking' },
  ],
  [
    'an optional query parameter added',
    (s) => query(s).push({ name: 'Owner', in: 'query', schema: { type: 'string' } }),
    { location: 'query', field: 'Owner', change: 'parameter-added', class: 'non-breaking' },
  ],
  [
    'a query parameter removed',
    (s) => query(s).pop(),
    { location: 'query', field: 'Colour', change: 'parameter-removed', class: 'breaking' },
  ],
  [
    'a query enum value removed',
    (s) => query(s)[1].schema.enum.pop(),
    { location: 'query', field: 'Colour', change: 'enum-values-removed', class: 'breaking' },
  ],
  [
    'an error status added',
    (s) => (s.paths['/v1/Sessions/{id}'].get.responses['404'] = { description: 'nope' }),
    { location: 'status', field: '404', change: 'status-added', class: 'non-breaking' },
  ],
  [
    'an error status removed',
    (s) => delete s.paths['/v1/Sessions'].get.responses['400'],
    { location: 'status', field: '400', change: 'status-removed', class: 'info' },
  ],
];

describe('drift corpus: one change in, exactly one classified finding out', () => {
  it('a spec against itself has no drift', () => {
    expect(diffOf(() => {})).toEqual([]);
  });

  it.each(corpus)('%s', (_name, mutate, expected) => {
    const changes = diffOf(mutate);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject(expected);
    expect(changes[0]?.reason.length).toBeGreaterThan(10);
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
  it('uses documented examples as witnesses', () => {
    expect(comparePatterns('^aia_asst_*$', '^aia_asst_.+$', ['aia_asst']).onlyOld).toContain('aia_asst');
  });
});

describe('traffic as a source', () => {
  it('the shipped recordings against the docs-derived schemas: the real assistant_id fails the docs pattern', () => {
    const changes = diffModels(
      loadModel(join(FIXTURES, '../../schemas')),
      loadModel(join(FIXTURES, '../recordings')),
    );
    const violated = changes.find((c) => c.change === 'pattern-violated');
    expect(violated).toMatchObject({ field: 'assistant_id', class: 'breaking' });
    expect(changes.find((c) => c.field === 'date_created')).toMatchObject({
      change: 'field-added',
      class: 'info',
    });
  });
});

describe.skipIf(sourcesMissing)(needsSources('drift on the real docs page and spec'), () => {
  it('reports date_created and the assistant_id pattern, each classified with a reason; exit 1 on breaking', async () => {
    const r = await runCli('drift', ['--from', realSources.docs, '--to', realSources.spec, '--json']);
    expect(r.status).toBe(1);
    const { changes } = JSON.parse(r.stdout) as { changes: DriftChange[] };
    expect(changes.find((c) => c.field === 'date_created')).toMatchObject({
      change: 'field-added',
      class: 'non-breaking',
    });
    expect(changes.find((c) => c.field === 'assistant_id')).toMatchObject({
      change: 'pattern-incomparable',
      class: 'breaking',
      from: '^aia_asst_*$',
      to: '^aia_asst_.+$',
    });
    expect(changes).toHaveLength(2);
    const none = await runCli('drift', [
      '--from',
      realSources.docs,
      '--to',
      realSources.spec,
      '--fail-on',
      'none',
    ]);
    expect(none.status).toBe(0);
    expect(none.stdout).toMatch(/\*\*1 breaking\*\*, 1 non-breaking/);
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
      /^drift: .*garbage\.docs\.txt: not a docs page/,
    ],
  ])('%j: one line, exit 2', async (args, message) => {
    const r = await runCli('drift', args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
