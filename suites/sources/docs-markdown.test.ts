// The markdown layout Twilio serves beside each docs page (static0.twilio.com/docs/…/<page>.md): the
// properties as an <OperationTable type="properties" data={{…}} />, each operation as a `METHOD URL`
// line, its parameters as ```json blocks. suites/fixtures/docs/markdown/tools.docs.txt is the
// project's own Tools page (…/snake/tools.docs.txt) written in that layout.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build';
import { operationsFromDocs } from '../../src/model/docs';
import type { JsonSchema } from '../../src/model/json-schema';
import { triangulate } from '../../src/rules/triangulation/rules';
import { Contract } from '../../src/schemas/contract';
import { type DocsField, type DocsPage, DocsParseError, parseDocsPage } from '../../src/sources/docs-page';
import { fixturePage, needsSources, realSources, sourcesMissing } from '../support/fixtures';

/** What a field says, its description without the text layout's link marker. */
const said = (f: DocsField) => ({
  name: f.name,
  required: f.required,
  constraints: f.constraints,
  description: f.description.replace('(link takes you to an external page)', ''),
});
const operationsOf = (p: DocsPage) =>
  p.operations.map((o) => ({
    method: o.method,
    path: o.path,
    title: o.title,
    pathParams: o.pathParams.map(said),
    queryParams: o.queryParams.map(said),
    bodyParams: o.bodyParams.map(said),
  }));

/** A schema without what tells the sources apart: provenance, the printed type, prose. */
function bare(schema: JsonSchema | undefined): unknown {
  return JSON.parse(JSON.stringify(schema ?? null), (key, value) =>
    key === 'x-source' || key === 'x-twilio-type' || key === 'description' ? undefined : value,
  );
}

describe('the markdown layout reads to the same page as the text layout of the same docs', () => {
  const markdown = fixturePage('markdown/tools.docs.txt');
  const text = fixturePage('snake/tools.docs.txt');

  it('the resource, its properties and every operation with its path, query and body parameters', () => {
    expect(markdown.resource).toBe('Tool');
    expect(markdown.title).toBe('Tools Resource');
    expect(markdown.layout).toBe('snake');
    expect(markdown.properties.map(said)).toEqual(text.properties.map(said));
    expect(operationsOf(markdown)).toEqual(operationsOf(text));
    expect(markdown.properties.find((f) => f.name === 'date_updated')?.type.notation).toBe(
      'string<date-time>',
    );
  });

  it('the same reads and writes, with the same schemas (examples aside: the layout’s are not read)', () => {
    const [m, t] = [operationsFromDocs(markdown), operationsFromDocs(text)];
    expect(m.unused).toEqual([]);
    expect(m.reads.map((r) => [r.id, r.kind, r.itemsKey])).toEqual(
      t.reads.map((r) => [r.id, r.kind, r.itemsKey]),
    );
    expect(m.reads.map((r) => bare(r.schemas.docs?.response))).toEqual(
      t.reads.map((r) => bare(r.schemas.docs?.response)),
    );
    expect(m.reads.map((r) => bare(r.schemas.docs?.query))).toEqual(
      t.reads.map((r) => bare(r.schemas.docs?.query)),
    );
    expect(m.writes.map((w) => [w.id, w.statuses, bare(w.request), bare(w.response)])).toEqual(
      t.writes.map((w) => [w.id, w.statuses, bare(w.request), bare(w.response)]),
    );
    expect(m.reads.flatMap((r) => r.examples ?? [])).toEqual([]);
  });
});

describe.skipIf(sourcesMissing)(needsSources('the markdown page joined to the spec'), () => {
  it('triangulates its tables as the text page’s are: the same findings, less those its examples give', () => {
    const spec = sourcesMissing ? undefined : JSON.parse(readFileSync(realSources.spec, 'utf8'));
    const findings = (page: DocsPage, unused: string[] = []) =>
      triangulate(new Contract(buildModel({ spec, pages: [page], unused }), 'both'))
        .filter((f) => !/example/.test(f.rule) && !f.rule.endsWith('error-responses-undocumented'))
        .map((f) => `${f.rule} ${f.operation} ${f.pointer}`)
        .sort();
    const unused: string[] = [];
    const markdown = findings(fixturePage('markdown/tools.docs.txt'), unused);
    expect(unused).toEqual([]);
    expect(markdown).toContain('triangulation.constraint-differs GET /v1/Tools/{id} /id');
    expect(markdown).toEqual(findings(fixturePage('snake/tools.docs.txt')));
  });
});

describe('what the markdown layout holds that cannot be read is said, never guessed', () => {
  const head = (properties: string) =>
    `# Gizmos Resource\n\n## Gizmo Properties\n\n<OperationTable type="properties" data={{"type":"object","required":["sid"],"properties":${properties}}} />\n\n`;
  const gizmo = '{"sid":{"type":"string","description":"The gizmo."}}';
  const fetch = '## Fetch a Gizmo\n\n`GET https://gizmos.example.test/v1/Gizmos/{sid}`\n\n';

  it('a property whose type is a choice of shapes (oneOf) is left out, one line saying so', () => {
    const page = parseDocsPage(
      `${head('{"sid":{"type":"string"},"owner":{"description":"Who has it.","oneOf":[{"type":"string"},{"type":"object"}]}}')}${fetch}`,
      'choice.docs.txt',
    );
    expect(page.properties.map((f) => [f.name, f.required])).toEqual([['sid', true]]);
    expect(operationsFromDocs(page).unused).toEqual([
      'choice.docs.txt:5: property "owner" is left out: its type (oneOf) has no reader in this layout',
    ]);
  });

  it('a page cut inside a parameter block leaves that operation out; cut inside a code block, it says so', () => {
    const cutParams = parseDocsPage(
      `${head(gizmo)}${fetch}### Path parameters\n\n\`\`\`json\n[{"in":"path","name":"sid","requ`,
      'cut.docs.txt',
    );
    expect(operationsFromDocs(cutParams)).toMatchObject({
      reads: [],
      unused: [
        'cut.docs.txt:9: GET /v1/Gizmos/{sid} is left out: the page ends inside its table (the row at line 14), cut off there',
      ],
    });
    const cutSample = parseDocsPage(
      `${head(gizmo)}${fetch}### Path parameters\n\n\`\`\`json\n[{"in":"path","name":"sid","required":true,"schema":{"type":"string"}}]\n\`\`\`\n\nFetch a Gizmo\n\n\`\`\`js\nconst gizmo = await client.gizm`,
      'sample.docs.txt',
    );
    expect(operationsFromDocs(cutSample)).toMatchObject({
      reads: [{ id: 'FetchGizmos', pathParams: [{ name: 'sid' }] }],
      unused: [
        'sample.docs.txt:20: the page ends inside a code sample: cut off there? What the page has after it is not in this capture',
      ],
    });
  });

  it('reads only the blocks it knows: another section’s JSON, another kind of table and a second properties table stay out', () => {
    const page = parseDocsPage(
      `${head(gizmo)}<OperationTable type="properties" data={{"type":"object","properties":{"x":{"type":"string"}}}} />\n\n${fetch}### Path parameters\n\n\`\`\`json\n[{"in":"path","name":"sid","required":true,"schema":{"type":"string"}}]\n\`\`\`\n\n### Response\n\n\`\`\`json\n[{"in":"query","name":"Leak","schema":{"type":"string"}}]\n\`\`\`\n\n<OperationTable type="errors" data={{"nope": 1}} />\n`,
      'known.docs.txt',
    );
    expect(page.properties.map((f) => f.name)).toEqual(['sid']);
    expect(page.operations.map((o) => [o.pathParams.length, o.queryParams.length])).toEqual([[1, 0]]);
    expect(operationsFromDocs(page).unused).toEqual([
      'known.docs.txt:7: a second properties table is not read (the first is the resource)',
    ]);
  });

  it('a properties table cut off, or a block that is not JSON, is one clear error naming the line', () => {
    const cases: Array<[string, RegExp]> = [
      [
        '# Gizmos Resource\n\n## Gizmo Properties\n\n<OperationTable type="properties" data={{"type":"object","prop',
        /^table\.docs\.txt:5: the page ends inside the properties' <OperationTable> \(cut off there\?\): its data is not whole JSON$/,
      ],
      [
        `${head(gizmo).replace('"sid":{', '"sid":{{')}${fetch}`,
        /^table\.docs\.txt:5: the properties' <OperationTable> data is not valid JSON$/,
      ],
      [
        `${head(gizmo)}${fetch}### Query parameters\n\n\`\`\`json\n[{"name": Page}]\n\`\`\`\n`,
        /^table\.docs\.txt:14: the query parameters' JSON block is not valid JSON \(/,
      ],
      [
        `${head('{"sid":{"type":"string","pattern":"^GZ[0-9"}}')}`,
        /^table\.docs\.txt:5: property "sid": pattern is not a valid regular expression: "\^GZ\[0-9"$/,
      ],
    ];
    for (const [page, message] of cases) {
      expect(() => parseDocsPage(page, 'table.docs.txt')).toThrow(DocsParseError);
      expect(() => parseDocsPage(page, 'table.docs.txt')).toThrow(message);
    }
  });
});
