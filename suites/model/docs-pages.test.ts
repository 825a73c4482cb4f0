// Real-shaped docs pages of both layouts (suites/fixtures/docs/snake, …/camel: the AI Assistants
// pages as Twilio publishes them, older snake_case and newer camelCase) become the model whole: every
// operation each page documents, reads and writes, in the API's own spelling, joined to the spec's.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build';
import { operationsFromDocs } from '../../src/model/docs';
import { instanceSchema, type Operation, queryParams } from '../../src/model/operation';
import { triangulate } from '../../src/rules/triangulation/rules';
import { Contract } from '../../src/schemas/contract';
import { parseDocsPage } from '../../src/sources/docs-page';
import {
  FIXTURES,
  fixturePage,
  needsSources,
  realSources,
  runCli,
  sourcesMissing,
} from '../support/fixtures';

const LAYOUTS = ['snake', 'camel'] as const;
const pagesOf = (layout: (typeof LAYOUTS)[number]) =>
  readdirSync(join(FIXTURES, 'docs', layout))
    .filter((f) => f.endsWith('.docs.txt'))
    .map((f) => fixturePage(`${layout}/${f}`));

describe.each(LAYOUTS)('%s pages → operations', (layout) => {
  const pages = pagesOf(layout);

  it('every operation of every page becomes a read or a write, none left unused', () => {
    for (const page of pages) {
      const ops = operationsFromDocs(page);
      expect(ops.unused, page.file).toEqual([]);
      const made = [
        ...ops.reads.map((r) => `GET ${r.path}`),
        ...ops.writes.map((w) => `${w.method} ${w.path}`),
      ];
      expect(made.sort(), page.file).toEqual(page.operations.map((o) => `${o.method} ${o.path}`).sort());
    }
  });

  it('names are the API’s own: snake_case fields and bodies, PascalCase query parameters', () => {
    const tools = operationsFromDocs(fixturePage(`${layout}/tools.docs.txt`));
    const list = tools.reads.find((r) => r.kind === 'list') as Operation;
    expect(list.itemsKey).toBe('tools');
    expect(Object.keys(queryParams(list))).toEqual(['AssistantId', 'Page', 'PageSize', 'PageToken']);
    expect(Object.keys(instanceSchema(list, 'docs')?.properties ?? {})).toContain('requires_auth');
    const create = tools.writes.find((w) => w.method === 'POST');
    expect(Object.keys(create?.request?.properties ?? {})).toEqual([
      'assistant_id',
      'description',
      'enabled',
      'meta',
      'name',
      'policy',
      'type',
    ]);
    expect(create?.request?.required).toEqual(['enabled', 'name', 'type']);
    if (layout === 'camel')
      expect(create?.request?.properties?.assistant_id?.['x-docs-name']).toBe('assistantId');
  });

  it('a list is told by its paging parameters when its page shows no example', () => {
    for (const page of pages)
      for (const read of operationsFromDocs(page).reads)
        expect(read.kind, `${page.file} ${read.path}`).toBe(read.path.endsWith('}') ? 'instance' : 'list');
  });

  it('a create and an update answer with the page’s resource; a delete, an attach and a detach with nothing', () => {
    const all = pages.flatMap((p) => operationsFromDocs(p).writes);
    const answering = all.filter((w) => w.response).map((w) => `${w.method} ${w.path}`);
    expect(answering.sort()).toEqual(
      [
        'POST /v1/Assistants',
        'PUT /v1/Assistants/{id}',
        'POST /v1/Tools',
        'PUT /v1/Tools/{id}',
        'POST /v1/Knowledge',
        'PUT /v1/Knowledge/{id}',
        'POST /v1/Assistants/{id}/Feedbacks',
        'POST /v1/Assistants/{id}/Messages',
      ].sort(),
    );
    const send = all.find((w) => w.path.endsWith('/Messages'));
    expect(send?.response?.required).toEqual(['status', 'session_id', 'account_sid']);
  });
});

describe('nothing silent', () => {
  it('an operation a page documents twice, and a page with no operation, are each one line saying why', () => {
    const text = readFileSync(join(FIXTURES, 'docs/snake/sessions.docs.txt'), 'utf8');
    const get = text.indexOf('GET https://assistants.twilio.com/v1/Sessions\n');
    const twice = `${text}\n${text.slice(get)}`;
    const page = parseDocsPage(twice, 'twice.docs.txt');
    const { reads, unused } = operationsFromDocs(page);
    expect(reads.map((r) => r.id)).toEqual(['FetchSessions', 'ListSessions']);
    expect(unused).toEqual([
      expect.stringMatching(
        /^twice\.docs\.txt:\d+: GET \/v1\/Sessions is documented twice on this page; the first is used$/,
      ),
    ]);
    const bare = parseDocsPage(text.slice(0, text.indexOf('Fetch a Session\n')), 'bare.docs.txt');
    expect(operationsFromDocs(bare).unused).toEqual([
      'bare.docs.txt: documents no operation (no "GET https://…" line)',
    ]);
  });

  it('an operation whose table the page ends inside (a capture cut off mid-row) is left out, one line saying so', () => {
    // Cut as a stitched capture is: in the middle of the list's first query row, its bound unseen.
    const text = readFileSync(join(FIXTURES, 'docs/snake/sessions.docs.txt'), 'utf8');
    const cut = text.slice(0, text.indexOf('Index of the page to fetch') + 'Index of the pa'.length);
    const { reads, unused } = operationsFromDocs(parseDocsPage(cut, 'cut.docs.txt'));
    expect(reads.map((r) => r.id)).toEqual(['FetchSessions']);
    expect(unused).toEqual([
      'cut.docs.txt:106: GET /v1/Sessions is left out: the page ends inside its table (the row at line 109), cut off there',
    ]);
  });

  it('a page that ends inside a code sample keeps what it has and says it looks cut off there', () => {
    const text = readFileSync(join(FIXTURES, 'docs/snake/sessions.docs.txt'), 'utf8');
    const sample = text.indexOf('// Credentials come from', text.indexOf('List all SessionsLink'));
    const cut = text.slice(0, sample + '// Credentials co'.length);
    const { reads, unused } = operationsFromDocs(parseDocsPage(cut, 'cut.docs.txt'));
    expect(reads.map((r) => [r.id, r.kind])).toEqual([
      ['FetchSessions', 'instance'],
      ['ListSessions', 'list'],
    ]);
    expect(unused).toEqual([
      'cut.docs.txt:135: the page ends inside a code sample: cut off there? What the page has after it is not in this capture',
    ]);
    // A page that ends with an example output, or with its footer, is whole.
    expect(operationsFromDocs(fixturePage('widgets-resource.docs.txt')).unused).toEqual([]);
    expect(operationsFromDocs(fixturePage('snake/sessions.docs.txt')).unused).toEqual([]);
  });

  it('a run built from such a page says what it left out, as npm run schemas does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cut-'));
    const text = readFileSync(join(FIXTURES, 'docs/widgets-resource.docs.txt'), 'utf8');
    writeFileSync(join(dir, 'cut.docs.txt'), text.slice(0, text.indexOf('Only widgets in th') + 10));
    const r = await runCli('conformance', [
      '--spec',
      join(FIXTURES, 'drift/widgets.openapi.json'),
      '--docs',
      join(dir, 'cut.docs.txt'),
      '--target',
      'local',
      '--dry-run',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^not used: cut\.docs\.txt:126: GET \/v2\/Widgets is left out: the page ends inside its table \(the row at line 131\), cut off there$/m,
    );
  });
});

describe.skipIf(sourcesMissing)(needsSources('docs pages joined to the spec'), () => {
  const spec = sourcesMissing ? undefined : JSON.parse(readFileSync(realSources.spec, 'utf8'));
  describe.each(LAYOUTS)('%s pages', (layout) => {
    const unused: string[] = [];
    const model = buildModel({ spec, specFile: realSources.spec, pages: pagesOf(layout), unused });
    const write = (id: string) => model.writes.find((w) => w.id === id);

    it('join the spec’s operations: no operation added, every page operation with its docs source', () => {
      expect(unused).toEqual([]);
      expect(model.operations).toHaveLength(15);
      expect(model.writes).toHaveLength(15);
      const documented = pagesOf(layout).flatMap((p) => p.operations.map((o) => `${o.method} ${o.path}`));
      const withDocs = [
        ...model.operations.filter((o) => o.schemas.docs).map((o) => `GET ${o.path}`),
        ...model.writes.filter((w) => w.sources?.docs).map((w) => `${w.method} ${w.path}`),
      ];
      expect(withDocs.sort()).toEqual(documented.sort());
    });

    it('keep each source’s write schemas apart and merge them for bodies: the spec’s where both state one', () => {
      const create = write('CreateKnowledge');
      expect(create?.sources?.docs?.request?.properties?.assistant_id?.pattern).toBe('^aia_asst_*$');
      expect(create?.sources?.openapi?.request?.properties?.assistant_id?.pattern).toBe('^aia_asst_.+$');
      expect(create?.request?.properties?.assistant_id?.pattern).toBe('^aia_asst_.+$');
      // The older page's body table has no embedding_model: the merged body keeps the spec's.
      expect(Object.keys(create?.sources?.docs?.request?.properties ?? {}).includes('embedding_model')).toBe(
        layout === 'camel',
      );
      expect(create?.request?.properties?.embedding_model?.description).toMatch(
        /required for 'Database' type/,
      );
      // Required united: the older Feedback page calls session_id Optional, the spec requires it.
      expect(write('CreateFeedback')?.request?.required).toContain('session_id');
      expect(write('CreateFeedback')?.sources?.docs?.request?.required ?? []).toEqual(
        layout === 'camel' ? ['session_id'] : [],
      );
    });

    it('descriptions from the docs tables stay on the docs schemas, and values they list are read as the spec’s are', () => {
      const type = write('CreateKnowledge')?.sources?.docs?.request?.properties?.type;
      expect(type?.description).toBe("Kind of knowledge source ('Web', 'Database', 'Text', 'File')");
      expect(type?.['x-values']).toEqual(['Web', 'Database', 'Text', 'File']);
      const embedding = write('CreateKnowledge')?.sources?.docs?.request?.properties?.embedding_model;
      if (layout === 'camel') expect(embedding?.description).toMatch(/required for 'Database' type/);
    });

    it('triangulation compares the writes too: id and body patterns, a body field one source lacks, requiredness', () => {
      const findings = triangulate(new Contract(model, 'both'));
      const at = (rule: string, operation: string, pointer: string) =>
        findings.find((f) => f.rule === rule && f.operation === operation && f.pointer === pointer);
      const differs = 'triangulation.constraint-differs';
      expect(at(differs, 'POST /v1/Tools', '/id')).toMatchObject({
        expected: { pattern: '^aia_tool_*$' },
        actual: { pattern: '^aia_tool_.+$' },
      });
      expect(at(differs, 'PUT /v1/Knowledge/{id}', '/id')?.expected).toEqual({ pattern: '^aia_know_*$' });
      expect(at(differs, 'POST /v1/Assistants/{id}/Feedbacks', '/id')?.expected).toEqual({
        pattern: '^aia_fdbk_*$',
      });
      expect(at(differs, 'POST /v1/Tools', '/body/assistant_id')?.message).toMatch(
        /^request body field assistant_id: pattern is "\^aia_asst_\*\$" in the docs table, "\^aia_asst_\.\+\$" in the openapi spec/,
      );
      expect(at(differs, 'POST /v1/Assistants/{id}/Feedbacks', '/body/message_id')).toBeDefined();
      const embedding = at('triangulation.field-presence', 'POST /v1/Knowledge', '/body/embedding_model');
      expect(embedding?.message).toBe(
        layout === 'snake'
          ? 'request body field embedding_model is in the openapi spec but not in the docs table'
          : undefined,
      );
      const sessionId = at(
        'triangulation.required-differs',
        'POST /v1/Assistants/{id}/Feedbacks',
        '/body/session_id',
      );
      expect(sessionId?.message).toBe(
        layout === 'snake'
          ? 'request body field session_id is optional in the docs table, required in the openapi spec'
          : undefined,
      );
      // The older Feedback page calls every answered field Optional; the spec requires eight.
      const answered = findings.filter(
        (f) =>
          f.rule === 'triangulation.required-differs' && f.operation === 'GET /v1/Assistants/{id}/Feedbacks',
      );
      expect(answered.length).toBe(layout === 'snake' ? 7 : 0);
      // Nothing the newer layout spells in camelCase is taken for a field of its own.
      expect(
        findings.filter(
          (f) => /[a-z][A-Z]/.test(f.pointer ?? '') && !/\/(query|path)\//.test(f.pointer ?? ''),
        ),
      ).toEqual([]);
      expect(
        findings.filter((f) => f.rule === 'triangulation.example-fails-schema' && f.severity === 'error'),
      ).toEqual([]);
    });

    it('the pages’ own examples pass the contract with no error (no false error from camelCase names)', () => {
      const contract = new Contract(model, 'both');
      for (const op of contract.operations)
        for (const ex of op.examples ?? [])
          expect(
            contract.validate(op, ex.value).filter((v) => v.severity === 'error'),
            `${op.id} ${ex.file}:${ex.line}`,
          ).toEqual([]);
      for (const w of contract.writes)
        for (const ex of w.examples ?? [])
          expect(
            contract.validateWrite(w, 'response', ex.value).filter((v) => v.severity === 'error'),
            `${w.id} ${ex.file}:${ex.line}`,
          ).toEqual([]);
    });
  });

  // The newer layout is the one whose camelCase names made false blocking errors (8 and 28 of them).
  it('schemas derived with the camelCase pages judge the shipped recordings with no blocking error, as a team runs it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pages-camel-'));
    const docs = pagesOf('camel').flatMap((p) => ['--docs', join(FIXTURES, 'docs/camel', p.file)]);
    const schemas = await runCli('schemas', [...docs, '--out', join(dir, 'schemas'), '--report-dir', dir]);
    expect(schemas.status, schemas.stderr).toBe(0);
    expect(schemas.stdout).toMatch(/^Twilio Assistants v1: 15 GET and 15 write operations from /);
    const r = await runCli('conformance', [
      '--schemas',
      join(dir, 'schemas'),
      '--report-dir',
      join(dir, 'run'),
    ]);
    expect(
      r.stdout
        .split('\n')
        .filter((l) => / error /.test(l) && !/\[accepted\]|accepted by the baseline/.test(l)),
    ).toEqual([]);
    expect(r.status).toBe(0);
  });
});
