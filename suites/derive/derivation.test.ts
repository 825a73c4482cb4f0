import { describe, expect, it } from 'vitest';
import { SchemaValidator } from '../../src/contract/validator';
import { deriveFromDocs } from '../../src/derive/docs-schemas';
import { deriveFromOpenApi, SpecError } from '../../src/derive/openapi';
import { fixturePage } from '../support/fixtures';

const page = fixturePage('widgets-resource.docs.txt');
const set = deriveFromDocs(page);
const props = set.schemas.resource.properties ?? {};
const validator = new SchemaValidator([set]);
const valid = page.operations[0]?.examples[0]?.value as Record<string, unknown>;

describe('docs table → JSON Schema 2020-12', () => {
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
    expect(set.schemas.resource.required).toEqual(['sid', 'count']);
    for (const [name, schema] of Object.entries(props)) {
      expect(schema['x-source'], name).toMatchObject({
        source: 'docs-table',
        file: 'widgets-resource.docs.txt',
      });
    }
    expect(props.count?.['x-source']).toMatchObject({ line: 44 });
  });

  it('derives the list envelope, query and path schemas', () => {
    expect(set.itemsKey).toBe('widgets');
    expect(set.listPath).toBe('/v2/Widgets');
    expect(set.schemas.list?.required).toEqual(['widgets', 'meta']);
    expect(set.schemas.listQuery?.properties?.Limit).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 200,
    });
    expect(set.schemas.fetchPath?.required).toEqual(['sid']);
  });

  it('accepts the page’s own example and rejects mutations of it', () => {
    expect(validator.validate('docs', 'resource', valid)).toEqual([]);
    const mutations: Array<[string, unknown, string]> = [
      ['sid', 'wg00000000000000000000000000000000', 'pattern'],
      ['sid', 'WG0000000000000000000000000000000', 'minLength'],
      ['count', 251, 'maximum'],
      ['count', 2.5, 'type'],
      ['status', 'lost', 'enum'],
      ['date_birth', '31/01/2020', 'format'],
    ];
    for (const [field, value, keyword] of mutations) {
      const violations = validator.validate('docs', 'resource', { ...valid, [field]: value });
      expect(
        violations.map((v) => [v.pointer, v.keyword]),
        `${field}=${String(value)}`,
      ).toContainEqual([`/${field}`, keyword]);
    }
    const { count: _count, ...missing } = valid;
    expect(validator.validate('docs', 'resource', missing)).toContainEqual(
      expect.objectContaining({ pointer: '/count', keyword: 'required' }),
    );
  });
});

describe('OpenAPI importer', () => {
  const spec = {
    openapi: '3.0.2',
    paths: {
      '/v2/Widgets/{sid}': {
        get: {
          parameters: [{ name: 'sid', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/w.widget' } } } },
          },
        },
      },
      '/v2/Widgets': {
        get: {
          parameters: [{ name: 'Limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } }],
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
                        properties: { next_page_url: { type: 'string', nullable: true } },
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
      schemas: { 'w.widget': { type: 'object', properties: { sid: { type: 'string', pattern: '^WG.+$' } } } },
    },
  };

  it('imports resource, list, query and path schemas with pointers as provenance', () => {
    const s = deriveFromOpenApi(spec, '/x/widgets.json', {
      listPath: '/v2/Widgets',
      fetchPath: '/v2/Widgets/{sid}',
    });
    expect(s.resource).toBe('Widget');
    expect(s.itemsKey).toBe('widgets');
    expect(s.schemas.resource.properties?.sid).toMatchObject({
      pattern: '^WG.+$',
      'x-source': {
        source: 'openapi',
        file: 'widgets.json',
        pointer: '#/components/schemas/w.widget/properties/sid',
      },
    });
    expect(s.schemas.list?.properties?.widgets?.items).toEqual({ $ref: 'widget.schema.json' });
    expect(s.schemas.list?.properties?.meta?.properties?.next_page_url?.type).toEqual(['string', 'null']);
    expect(s.schemas.listQuery?.properties?.Limit).toMatchObject({ maximum: 200 });
    expect(s.schemas.fetchPath?.required).toEqual(['sid']);
  });

  it.each([
    [{}, /not an OpenAPI 3 document/],
    [{ openapi: '3.0.2', paths: {} }, /has no GET/],
    [
      {
        openapi: '3.0.2',
        paths: {
          '/v2/Widgets/{sid}': {
            get: {
              responses: { '200': { content: { 'application/json': { schema: { $ref: '#/nope' } } } } },
            },
          },
        },
      },
      /\$ref "#\/nope" points at nothing/,
    ],
  ])('rejects a bad spec with one line (%#)', (doc, message) => {
    expect(() =>
      deriveFromOpenApi(doc, 'bad.json', { listPath: '/v2/Widgets', fetchPath: '/v2/Widgets/{sid}' }),
    ).toThrow(SpecError);
    expect(() =>
      deriveFromOpenApi(doc, 'bad.json', { listPath: '/v2/Widgets', fetchPath: '/v2/Widgets/{sid}' }),
    ).toThrow(message);
  });
});
