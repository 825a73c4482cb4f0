// sources → model: docs tables and the OpenAPI spec become operation descriptors with their
// schemas, whatever resource they describe. Nothing here names a Twilio field in the code under test.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build';
import { operationsFromDocs } from '../../src/model/docs';
import { operationsFromOpenApi, SpecError } from '../../src/model/openapi';
import { instanceSchema, type Operation } from '../../src/model/operation';
import { Contract } from '../../src/schemas/contract';
import { FIXTURES, fixturePage } from '../support/fixtures';

const page = fixturePage('widgets-resource.docs.txt');
const ops = operationsFromDocs(page).reads;
const byKind = (kind: Operation['kind']) => ops.find((o) => o.kind === kind) as Operation;
const props = instanceSchema(byKind('instance'), 'docs')?.properties ?? {};
const contract = new Contract(buildModel({ pages: [page] }), 'docs');
const valid = page.operations[0]?.examples[0]?.value as Record<string, unknown>;

describe('docs table → operations with JSON Schema 2020-12', () => {
  it('recognises the page’s own resource and operations from its GET lines', () => {
    expect(ops.map((o) => [o.kind, o.path, o.itemsKey])).toEqual([
      ['instance', '/v2/Widgets/{sid}', undefined],
      ['list', '/v2/Widgets', 'widgets'],
    ]);
  });

  it('carries every field, type, pattern, length and bound with provenance', () => {
    expect(props.sid).toMatchObject({
      type: 'string',
      pattern: '^WG[0-9a-fA-F]{32}$',
      minLength: 34,
      maxLength: 34,
    });
    expect(props.count).toMatchObject({ type: 'integer', minimum: -5, maximum: 250 });
    expect(props.status).toMatchObject({ type: 'string', enum: ['queued', 'in-progress', 'done'] });
    expect(props.callback_url).toMatchObject({ type: 'string', format: 'uri' });
    expect(props.date_birth).toMatchObject({ type: 'string', format: 'date' });
    expect(props.phone).toEqual(
      expect.objectContaining({ type: 'string', 'x-twilio-type': 'string<phone-number>' }),
    );
    expect(props.phone?.format).toBeUndefined();
    expect(props.tags).toMatchObject({ type: 'array', items: { type: 'string' }, maxItems: 10 });
    expect(instanceSchema(byKind('instance'), 'docs')?.required).toEqual(['sid', 'count']);
    for (const [name, schema] of Object.entries(props))
      expect(schema['x-source'], name).toMatchObject({
        source: 'docs-table',
        file: 'widgets-resource.docs.txt',
      });
    expect(props.count?.['x-source']).toMatchObject({ line: 44 });
  });

  it('derives the list envelope, query and path schemas', () => {
    const list = byKind('list');
    expect(list.schemas.docs?.response.required).toEqual(['widgets', 'meta']);
    expect(list.schemas.docs?.query?.properties?.Limit).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 200,
    });
    expect(byKind('instance').schemas.docs?.path?.required).toEqual(['sid']);
  });

  it('accepts the page’s own example and rejects mutations of it', () => {
    const fetch = contract.operations.find((o) => o.kind === 'instance') as Operation;
    expect(contract.validate(fetch, valid)).toEqual([]);
    const mutations: Array<[string, unknown, string]> = [
      ['sid', 'wg00000000000000000000000000000000', 'pattern'],
      ['sid', 'WG0000000000000000000000000000000', 'minLength'],
      ['count', 251, 'maximum'],
      ['count', 2.5, 'type'],
      ['status', 'lost', 'enum'],
      ['date_birth', '31/01/2020', 'format'],
    ];
    for (const [field, value, keyword] of mutations) {
      const violations = contract.validate(fetch, { ...valid, [field]: value });
      expect(
        violations.map((v) => [v.pointer, v.keyword, v.severity, v.source]),
        `${field}=${String(value)}`,
      ).toContainEqual([`/${field}`, keyword, 'error', 'docs table']);
    }
    const { count: _count, ...missing } = valid;
    expect(contract.validate(fetch, missing)).toContainEqual(
      expect.objectContaining({ pointer: '/count', keyword: 'required' }),
    );
  });

  it('a list-only page yields no fetch', () => {
    const messages = operationsFromDocs(fixturePage('session-messages-resource.docs.txt')).reads;
    expect(messages.map((o) => [o.kind, o.path, o.itemsKey])).toEqual([
      ['list', '/v1/Sessions/{sessionId}/Messages', 'messages'],
    ]);
  });
});

/** A spec written the way Twilio's generator writes one: $ref, allOf, nullable, required, x-twilio. */
const spec = {
  openapi: '3.0.1',
  paths: {
    '/v2/Widgets': {
      'x-twilio': { pathType: 'list' },
      get: {
        operationId: 'ListWidget',
        parameters: [
          { name: 'PageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          { name: 'PageToken', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    widgets: { type: 'array', items: { $ref: '#/components/schemas/w.widget' } },
                    meta: {
                      type: 'object',
                      properties: {
                        key: { type: 'string' },
                        next_page_url: { type: 'string', nullable: true },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/v2/Widgets/{sid}': {
      get: {
        operationId: 'FetchWidget',
        parameters: [{ name: 'sid', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            content: { 'application/json': { schema: { $ref: '#/components/schemas/w.widget_with_parts' } } },
          },
        },
      },
    },
    '/v2/Widgets/{widgetSid}/Parts': {
      'x-twilio': { parent: '/Widgets/{sid}', pathType: 'list', mountName: 'widget_parts' },
      get: {
        operationId: 'ListPart',
        parameters: [
          { name: 'widgetSid', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'PageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } },
        ],
        responses: {
          '200': {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    parts: {
                      type: 'array',
                      items: { type: 'object', properties: { label: { type: 'string' } } },
                    },
                    meta: {
                      type: 'object',
                      properties: { key: { type: 'string' }, page_size: { type: 'integer' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      'w.widget': {
        type: 'object',
        required: ['sid'],
        properties: {
          sid: { type: 'string', pattern: '^WG.+$' },
          note: { type: 'string', nullable: true },
          meta: { type: 'object' },
        },
      },
      'w.widget_with_parts': {
        allOf: [
          { $ref: '#/components/schemas/w.widget' },
          {
            type: 'object',
            required: ['parts'],
            properties: { parts: { type: 'array', items: { type: 'string' } } },
          },
        ],
      },
    },
  },
};

describe('OpenAPI importer', () => {
  const model = buildModel({ spec, specFile: '/x/widgets.json' });
  const op = (id: string) => model.operations.find((o) => o.id === id) as Operation;

  it('makes one descriptor per GET: kind, items key, parameters and the list that supplies each', () => {
    expect(model.operations.map((o) => [o.id, o.kind, o.itemsKey])).toEqual([
      ['ListWidget', 'list', 'widgets'],
      ['FetchWidget', 'instance', undefined],
      ['ListPart', 'list', 'parts'],
    ]);
    expect(op('ListPart').pathParams).toEqual([
      { name: 'widgetSid', from: { operation: 'ListWidget', field: 'sid' } },
    ]);
    expect(op('ListPart').mountName).toBe('widgetParts');
    expect(op('FetchWidget').pairsWith).toBe('ListWidget');
    expect(op('ListWidget').pairsWith).toBe('FetchWidget');
    expect(op('ListPart').idField).toBeUndefined();
  });

  it('an instance with a `meta` field is not taken for a list page', () => {
    expect(op('FetchWidget').kind).toBe('instance');
  });

  it('resolves $ref, allOf (properties and required united), nullable, with spec pointers as provenance', () => {
    const fetched = op('FetchWidget').schemas.openapi?.response;
    expect(Object.keys(fetched?.properties ?? {})).toEqual(['sid', 'note', 'meta', 'parts']);
    expect(fetched?.required).toEqual(['sid', 'parts']);
    expect(fetched?.properties?.note?.type).toEqual(['string', 'null']);
    expect(fetched?.properties?.sid).toMatchObject({
      pattern: '^WG.+$',
      'x-source': {
        source: 'openapi',
        file: 'widgets.json',
        pointer: '#/components/schemas/w.widget/properties/sid',
      },
    });
    expect(op('ListWidget').schemas.openapi?.query?.properties?.PageSize).toMatchObject({ maximum: 200 });
    expect(op('FetchWidget').schemas.openapi?.path?.required).toEqual(['sid']);
  });

  it.each([
    [{}, /not an OpenAPI 3 document/],
    [{ openapi: '3.0.2', paths: {} }, /documents no operation/],
    [
      {
        openapi: '3.0.2',
        paths: {
          '/v2/W/{sid}': {
            get: {
              responses: { '200': { content: { 'application/json': { schema: { $ref: '#/nope' } } } } },
            },
          },
        },
      },
      /\$ref "#\/nope" points at nothing/,
    ],
  ])('rejects a bad spec with one line (%#)', (doc, message) => {
    expect(() => operationsFromOpenApi(doc, 'bad.json')).toThrow(SpecError);
    expect(() => operationsFromOpenApi(doc, 'bad.json')).toThrow(message);
  });
});

describe('writes: what each one does, from the paths alone (a made-up API, no Assistants name anywhere)', () => {
  const spec = JSON.parse(readFileSync(join(FIXTURES, 'specs/gadgets.openapi.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const model = buildModel({ spec, specFile: 'gadgets.openapi.json' });
  const w = (id: string) => model.writes.find((x) => x.id === id);

  it('classifies every write and links it to the reads that show it', () => {
    expect(model.writes.map((x) => [x.id, x.action, x.effect, x.success])).toEqual([
      ['CreateBox', 'create', { list: 'ListBox', fetch: 'FetchBox' }, [201]],
      ['UpdateBox', 'update', { fetch: 'FetchBox', list: 'ListBox' }, [200]],
      ['DeleteBox', 'delete', { fetch: 'FetchBox', list: 'ListBox' }, [204]],
      ['CreateGadget', 'create', { list: 'ListGadget', fetch: 'FetchGadget' }, [201]],
      ['DeleteGadget', 'delete', { fetch: 'FetchGadget', list: 'ListGadget' }, [204]],
      ['CreateBoxGadget', 'attach', { list: 'ListBoxGadget', item: 'ListGadget' }, [204]],
      ['DeleteBoxGadget', 'detach', { list: 'ListBoxGadget', item: 'ListGadget' }, [204]],
      // A shake answers no gadget: the box's gadgets are not where its answer belongs (no children).
      ['CreateShake', 'send', { names: [{ field: 'box_sid', list: 'ListBox' }] }, [200]],
    ]);
  });

  it('fills each path parameter from the list that supplies it: an attached item from its own list', () => {
    expect(w('CreateBoxGadget')?.pathParams).toEqual([
      { name: 'BoxSid', from: { operation: 'ListBox', field: 'sid' } },
      { name: 'Sid', from: { operation: 'ListGadget', field: 'sid' } },
    ]);
  });

  it('keeps the request body with required, bounds and the values the response documents only in prose', () => {
    const body = w('CreateBox')?.request;
    expect(body?.required).toEqual(['name', 'colour']);
    expect(body?.properties?.name).toMatchObject({ minLength: 1, maxLength: 64 });
    expect(body?.properties?.colour?.['x-values']).toEqual(['red', 'blue']);
    expect(w('CreateBox')?.requestRequired).toBe(true);
  });
});

describe('ids in paths', () => {
  it('`.` and `..` never stand in a path: a provider id or a flag that is one is refused, not resolved', async () => {
    const { fillPath } = await import('../../src/model/operation');
    const { itemId } = await import('../../src/rules/invariants');
    expect(() => fillPath('/v1/Things/{id}', { id: '..' })).toThrow(/not one path segment/);
    expect(() => fillPath('/v1/Things/{id}', { id: '.' })).toThrow(/not one path segment/);
    expect(fillPath('/v1/Things/{id}', { id: 'a/b' })).toBe('/v1/Things/a%2Fb');
    expect(itemId({ id: '..' }, 'id')).toBeUndefined();
    expect(itemId({ id: 'x..' }, 'id')).toBe('x..');
  });
});
