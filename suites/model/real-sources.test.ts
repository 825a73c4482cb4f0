// The real sources: Twilio's spec and the captured Sessions docs page become the model of all 15
// GET operations, triangulated; a docs page dropped beside them changes what is enforced.

import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModelFromSources } from '../../src/model/build';
import { instanceSchema, type Operation, queryParams } from '../../src/model/operation';
import { triangulate } from '../../src/rules/triangulation/rules';
import { Contract } from '../../src/schemas/contract';
import { PROJECT_ROOT, sourcePaths } from '../../src/sources/paths';
import { FIXTURES, needsSources, realSources, runCli, runProcess, sourcesMissing } from '../support/fixtures';

const built = sourcesMissing ? undefined : await buildModelFromSources(realSources);

describe.skipIf(sourcesMissing)(needsSources('the real docs page and OpenAPI spec'), () => {
  const model = built?.model ?? {
    api: { title: '', product: '', version: '' },
    operations: [],
    writes: [],
    error: {},
  };
  const contract = new Contract(model, 'both');
  const op = (id: string) => model.operations.find((o) => o.id === id) as Operation;
  const findings = sourcesMissing ? [] : triangulate(contract);
  const byRule = (rule: string) => findings.filter((f) => f.rule === rule);

  it('has 15 write operations, each linked to the reads that show what it does', () => {
    const count = (action: string) => model.writes.filter((w) => w.action === action).length;
    expect(model.writes).toHaveLength(15);
    expect([
      count('create'),
      count('update'),
      count('delete'),
      count('attach'),
      count('detach'),
      count('send'),
    ]).toEqual([4, 3, 3, 2, 2, 1]);
    expect(model.writes.find((w) => w.action === 'send')?.effect.names).toEqual([
      { field: 'session_id', list: 'ListSessions', children: 'ListMessages' },
    ]);
    expect(model.writes.find((w) => w.action === 'send')?.success).toEqual([200, 202]);
  });

  it('has 15 GET operations: 10 lists (4 nested under a parent) and 5 fetches', () => {
    const lists = model.operations.filter((o) => o.kind === 'list');
    expect(model.operations).toHaveLength(15);
    expect(lists).toHaveLength(10);
    expect(
      lists
        .filter((o) => o.pathParams.length)
        .map((o) => o.id)
        .sort(),
    ).toEqual(
      [
        'ListFeedback',
        'ListKnowledgeByAssistant',
        'ListKnowledgeChunks',
        'ListMessages',
        'ListToolsByAssistant',
      ].sort(),
    );
    expect(op('ListMessages').pathParams).toEqual([
      { name: 'sessionId', from: { operation: 'ListSessions', field: 'id' } },
    ]);
    expect(op('FetchKnowledgeStatus').pathParams[0]?.from?.operation).toBe('ListKnowledge');
    expect(op('FetchKnowledgeStatus').pairsWith).toBeUndefined();
    expect(op('FetchTool').kind).toBe('instance');
    expect(op('ListSessions').pairsWith).toBe('FetchSession');
  });

  it('reads each list’s query schema: Chunks has no Page, PageSize is 1–1000 everywhere', () => {
    expect(Object.keys(queryParams(op('ListKnowledgeChunks'))).sort()).toEqual(['PageSize', 'PageToken']);
    for (const list of model.operations.filter((o) => o.kind === 'list'))
      expect(queryParams(list).PageSize, list.id).toMatchObject({ minimum: 1, maximum: 1000 });
  });

  it('resolves FetchAssistant with its tools and knowledge arrays', () => {
    const props = instanceSchema(op('FetchAssistant'), 'openapi')?.properties ?? {};
    expect(props.tools?.type).toBe('array');
    expect(props.knowledge?.items?.properties?.id).toBeDefined();
  });

  it('derives Sessions from the docs table too, without date_created', () => {
    const props = instanceSchema(op('FetchSession'), 'docs')?.properties ?? {};
    expect(Object.keys(props)).toEqual([
      'id',
      'account_sid',
      'assistant_id',
      'verified',
      'identity',
      'date_updated',
    ]);
    expect(props.date_updated).toMatchObject({ format: 'date-time', 'x-source': { line: 51 } });
  });

  it('triangulation surfaces date_created, the two assistant_id patterns and the unreadable meta.key', () => {
    expect(
      byRule('triangulation.field-presence').find((f) => f.pointer === '/date_created')?.message,
    ).toMatch(/in the docs examples and openapi spec but not in the docs table/);
    const pattern = byRule('triangulation.constraint-differs').find((f) => f.pointer === '/assistant_id');
    expect(pattern).toMatchObject({
      expected: { pattern: '^aia_asst_*$' },
      actual: { pattern: '^aia_asst_.+$' },
    });
    expect(pattern?.message).toMatch(/example "aia_asst" .*docs accepts, spec rejects/);
    const [key] = byRule('triangulation.items-key-unreadable');
    expect(key).toMatchObject({
      severity: 'error',
      actual: 'key',
      expected: ['sessions'],
      source: 'docs example',
    });
    for (const f of findings) expect(f.category).toBe('contract');
  });

  describe('resolution per constraint (the default contract)', () => {
    const fetch = op('FetchSession');
    const session = {
      id: 'sess_1',
      account_sid: `AC${'a'.repeat(32)}`,
      assistant_id: 'aia_asst_1234-abcd',
      verified: true,
      identity: 'u',
      date_created: '2024-01-01T00:00:00Z',
      date_updated: '2024-01-01T00:00:00.818Z',
    };
    it('a constraint only the spec states is enforced: a non-ISO date_created is an error naming the spec', () => {
      const [e, ...rest] = contract
        .validate(fetch, { ...session, date_created: '2024-01-01 10:00:00' })
        .filter((v) => v.severity === 'error');
      expect(rest).toEqual([]);
      expect(e).toMatchObject({ pointer: '/date_created', keyword: 'format', source: 'openapi spec' });
    });
    it('where both state a pattern, a value one accepts is a warning naming both; one neither accepts is an error', () => {
      expect(contract.validate(fetch, session).map((v) => [v.pointer, v.severity, v.source])).toEqual([
        ['/assistant_id', 'warning', 'docs table and openapi spec'],
      ]);
      const [e] = contract.validate(fetch, { ...session, assistant_id: 'asst_1' });
      expect(e).toMatchObject({ severity: 'error', source: 'docs table and openapi spec' });
    });
    it('--contract docs and --contract spec read one source each', () => {
      expect(new Contract(model, 'spec').validate(fetch, session)).toEqual([]);
      expect(new Contract(model, 'docs').validate(fetch, session).map((v) => v.severity)).toEqual(['error']);
    });
    it('a documented field either source documents is required to be present, naming who documents it', () => {
      expect(contract.documentedFields(fetch).get('date_created')).toEqual(['openapi spec']);
      expect(contract.documentedFields(fetch).get('id')).toEqual(['docs table', 'openapi spec']);
    });
  });

  it('a docs page dropped into the sources folder is derived and enforced with no code change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sources-'));
    for (const f of [...realSources.docs, realSources.spec])
      copyFileSync(f, join(dir, f.split('/').at(-1) as string));
    copyFileSync(
      join(FIXTURES, 'docs/session-messages-resource.docs.txt'),
      join(dir, 'session-messages-resource.docs.txt'),
    );
    const out = join(dir, 'schemas');
    const r = await runCli('schemas', ['--out', out, '--report-dir', join(dir, 'reports')], {
      TWILIO_SOURCES_DIR: dir,
      TWILIO_DOCS_PAGE: '',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(join(out, 'docs'))).toContain('list-messages.response.schema.json');
    const dropped = Contract.load(out, 'both');
    const list = dropped.operations.find((o) => o.id === 'ListMessages') as Operation;
    expect(Object.keys(list.schemas).sort()).toEqual(['docs', 'openapi']);
    const message = {
      id: 'aia_msg_1',
      account_sid: `AC${'a'.repeat(32)}`,
      assistant_id: 'aia_asst_1',
      session_id: 's',
      identity: 'x'.repeat(65),
      role: 'user',
      content: {},
      meta: {},
      date_created: '2024-01-01T00:00:00Z',
      date_updated: '2024-01-01T00:00:00Z',
    };
    const page = { messages: [message], meta: {} };
    // Only the docs page bounds identity: enforced, naming the docs table.
    const [e] = dropped.validate(list, page).filter((v) => v.pointer === '/messages/0/identity');
    expect(e).toMatchObject({ keyword: 'maxLength', severity: 'error', source: 'docs table' });
    expect(
      contract.validate(op('ListMessages'), page).filter((v) => v.pointer === '/messages/0/identity'),
    ).toEqual([]);
    expect(sourcePaths({}, { TWILIO_SOURCES_DIR: dir }).docs).toHaveLength(2);
  });

  it('npm run schemas -- --check passes on the committed schemas, and names the file and field when stale', async () => {
    const ok = await runProcess('schemas', ['--check', '--report-dir', mkdtempSync(join(tmpdir(), 'tri-'))], {
      TWILIO_DOCS_PAGE: '',
    });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const out = mkdtempSync(join(tmpdir(), 'schemas-'));
    const reports = mkdtempSync(join(tmpdir(), 'reports-'));
    expect(
      (await runCli('schemas', ['--out', out, '--report-dir', reports], { TWILIO_DOCS_PAGE: '' })).status,
    ).toBe(0);
    expect(readdirSync(reports).sort()).toEqual(['triangulation.json', 'triangulation.md']);
    const file = join(out, 'openapi/fetch-session.response.schema.json');
    const edited = JSON.parse(readFileSync(file, 'utf8'));
    edited.properties.account_sid.maxLength = 35;
    writeFileSync(file, JSON.stringify(edited));
    const stale = await runCli('schemas', ['--out', out, '--check', '--report-dir', reports], {
      TWILIO_DOCS_PAGE: '',
    });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(
      /fetch-session\.response\.schema\.json: \/properties\/account_sid\/maxLength: committed 35, sources give 34/,
    );
  });

  it('npm run record -- --from-docs, as a process, makes exactly the shipped docs-examples cassette', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'record-')), 'docs-examples.json');
    const r = await runProcess('record', ['--from-docs', '--out', out], { TWILIO_DOCS_PAGE: '' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote \d+ interactions from .*sessions-resource\.docs\.txt to /);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(PROJECT_ROOT, 'suites/recordings/docs-examples.json'), 'utf8')),
    );
  });
});

describe('npm run schemas with bad sources', () => {
  it('a missing source: one line naming it, exit 2, nothing written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'schemas-'));
    const r = await runCli('schemas', [
      '--docs',
      '/nonexistent/page.docs.txt',
      '--out',
      out,
      '--report-dir',
      out,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['schemas: docs page /nonexistent/page.docs.txt: not found']);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a page that is not a docs page, and an unknown flag, exit 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-'));
    writeFileSync(join(dir, 'page.txt'), 'hello\n');
    const r = await runCli('schemas', ['--docs', join(dir, 'page.txt'), '--out', join(dir, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^schemas: page\.txt:\d+: no resource-properties table/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const flag = await runCli('schemas', ['--colour']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/^schemas: Unknown option '--colour'/);
  });
});
