// Drift between two whole OpenAPI documents: every method, nested fields, request bodies, statuses,
// operations added or removed, oneOf, YAML. Synthetic edits of the real Assistants spec, and a real
// pair from twilio-oai history.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { diffSides } from '../../src/drift/diff';
import type { DriftSide } from '../../src/drift/side';
import type { JsonSchema } from '../../src/model/json-schema';
import { FIXTURES, needsSpec, realSources, runCli, specMissing } from '../support/fixtures';

// biome-ignore lint/suspicious/noExplicitAny: the edits reach anywhere into a spec document
type Spec = Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: a drift change as the JSON output gives it
type Change = Record<string, any>;
const S = 'assistants.v1.service.';
const dir = mkdtempSync(join(tmpdir(), 'drift-edits-'));
const write = (name: string, doc: unknown, yaml = false) => {
  const file = join(dir, `${name}.${yaml ? 'yaml' : 'json'}`);
  writeFileSync(file, yaml ? stringify(doc) : JSON.stringify(doc));
  return file;
};
const drift = async (from: string, to: string) => {
  const r = await runCli('drift', ['--from', from, '--to', to, '--json']);
  return {
    status: r.status,
    changes: r.status === 2 ? [] : (JSON.parse(r.stdout).changes as Change[]),
    stderr: r.stderr,
  };
};

describe.skipIf(specMissing)(needsSpec('synthetic edits of the Assistants spec'), () => {
  const original = specMissing ? '' : realSources.spec;
  const edited = (edit: (d: Spec) => void): Spec => {
    const d = JSON.parse(readFileSync(original, 'utf8')) as Spec;
    edit(d);
    return d;
  };
  const schema = (d: Spec, name: string) => d.components.schemas[S + name];

  it.each<[string, (d: Spec) => void, string, RegExp]>([
    [
      'an operation removed',
      (d) => delete d.paths['/v1/Tools/{id}'].delete,
      'drift.operation-remove',
      /^DELETE \/v1\/Tools\/\{id\}$/,
    ],
    [
      'a nested response field removed',
      (d) => delete schema(d, 'knowledge').properties.name,
      'drift.response-field-remove',
      /^\/knowledge\/\*\/name$/,
    ],
    [
      'a required query parameter added to a fetch',
      (d) =>
        d.paths['/v1/Assistants/{id}'].get.parameters.push({
          in: 'query',
          name: 'Mode',
          required: true,
          schema: { type: 'string' },
        }),
      'drift.request-required-add',
      /^\/query\/Mode$/,
    ],
    [
      'a type removed from a response field',
      (d) => delete schema(d, 'assistant').properties.name.type,
      'drift.response-type-widen',
      /\/name$/,
    ],
    [
      'a required request-body field added',
      (d) => {
        const r = schema(d, 'create_tool_request');
        r.properties.color = { type: 'string' };
        r.required = [...(r.required ?? []), 'color'];
      },
      'drift.request-required-add',
      /^\/body\/color$/,
    ],
    [
      'a request-body field removed',
      (d) => delete schema(d, 'create_tool_request').properties.description,
      'drift.request-parameter-remove',
      /^\/body\/description$/,
    ],
    [
      "a create's 201 turned into 200",
      (d) => {
        const r = d.paths['/v1/Assistants'].post.responses;
        r['200'] = r['201'];
        delete r['201'];
      },
      'drift.response-success-status-remove',
      /^\/status\/201$/,
    ],
  ])('%s: breaking, exit 1', async (name, edit, rule, where) => {
    const r = await drift(original, write(name.replace(/\W+/g, '-'), edited(edit)));
    expect(r.status, r.stderr).toBe(1);
    const hit = r.changes.filter((c) => c.rule === rule && c.severity === 'error');
    expect(hit.length, JSON.stringify(r.changes.map((c) => [c.rule, c.pointer]))).toBeGreaterThan(0);
    expect(hit.some((c) => where.test(rule === 'drift.operation-remove' ? c.operation : c.pointer))).toBe(
      true,
    );
  });

  it('an operation added: exit 0, reported', async () => {
    const r = await drift(
      original,
      write(
        'added',
        edited((d) => {
          d.paths['/v1/Gadgets'] = {
            get: {
              responses: {
                '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } },
              },
            },
          };
        }),
      ),
    );
    expect(r.status).toBe(0);
    expect(r.changes).toContainEqual(
      expect.objectContaining({
        rule: 'drift.operation-add',
        operation: 'GET /v1/Gadgets',
        severity: 'info',
      }),
    );
  });

  it('a oneOf whose new branch is a superset of the old body: exit 0, only fields added', async () => {
    const r = await drift(
      original,
      write(
        'oneof',
        edited((d) => {
          const tool = schema(d, 'tool');
          const plus = JSON.parse(JSON.stringify(tool));
          plus.properties.extra = { type: 'string' };
          d.components.schemas[`${S}tool_plus`] = plus;
          d.components.schemas[`${S}tool`] = {
            oneOf: [tool, { $ref: `#/components/schemas/${S}tool_plus` }],
          };
        }),
      ),
    );
    expect(r.status).toBe(0);
    expect(r.changes.length).toBeGreaterThan(0);
    expect(new Set(r.changes.map((c) => c.rule))).toEqual(new Set(['drift.response-field-add']));
  });

  it('the YAML and JSON forms of the same spec: exit 0, no change', async () => {
    const doc = JSON.parse(readFileSync(original, 'utf8'));
    const r = await drift(original, write('same', doc, true));
    expect(r.status).toBe(0);
    expect(r.changes).toEqual([]);
  });

  it('a spec with no GET operation is still a spec', async () => {
    const onlyWrites = edited((d) => {
      for (const item of Object.values(d.paths) as Spec[]) delete item.get;
    });
    const file = write('no-get', onlyWrites);
    expect((await drift(file, file)).status).toBe(0);
  });
});

describe('a real pair from twilio-oai history: Verify v2, 2025-07 → 2025-08', () => {
  const at = (f: string) => join(FIXTURES, 'drift/twilio-oai', f);
  it('breaking on all 8 operations whose factor_type gained a value (4 GET, 4 POST), the request field widened', async () => {
    const r = await drift(
      at('twilio_verify_v2.4ae76f3.2025-07-03.json'),
      at('twilio_verify_v2.a3f1069.2025-08-18.json'),
    );
    expect(r.status).toBe(1);
    const gained = r.changes.filter(
      (c) => c.rule === 'drift.response-enum-widen' && /factor_type$/.test(c.pointer),
    );
    expect(new Set(gained.map((c) => c.operation)).size).toBe(8);
    expect(gained.filter((c) => c.operation.startsWith('GET '))).toHaveLength(4);
    expect(gained.every((c) => c.severity === 'error' && JSON.stringify(c.actual).includes('passkeys'))).toBe(
      true,
    );
    expect(r.changes).toContainEqual(
      expect.objectContaining({
        rule: 'drift.request-enum-widen',
        pointer: '/body/FactorType',
        severity: 'warning',
      }),
    );
  });
});

describe('nested fields a source does not describe', () => {
  // A nested object, and an array of objects, each described by one side only.
  const side = (kind: DriftSide['kind'], inner?: JsonSchema): DriftSide => ({
    label: kind,
    kind,
    operations: [
      {
        key: '/v1/Things',
        label: 'GET /v1/Things',
        instance: {
          type: 'object',
          properties: {
            owner: inner ?? { type: 'object' },
            parts: { type: 'array', items: inner ?? { type: 'object' } },
          },
        },
      },
    ],
  });
  const described = { type: 'object', properties: { id: { type: 'string' } } };

  it('a docs table that lists only the top level says nothing of nested fields (no removal, no addition)', () => {
    expect(diffSides(side('openapi', described), side('docs'))).toEqual([]);
    expect(diffSides(side('docs'), side('openapi', described))).toEqual([]);
  });

  it('query parameters a docs page does not describe: nothing said; between two whole specs, removed', () => {
    const withQuery = (kind: DriftSide['kind']): DriftSide => ({
      ...side(kind),
      operations: [
        {
          ...(side(kind).operations[0] as DriftSide['operations'][number]),
          query: { type: 'object', properties: { PageSize: { type: 'integer' } }, required: [] },
        },
      ],
    });
    expect(diffSides(withQuery('openapi'), side('docs'))).toEqual([]);
    expect(diffSides(withQuery('spec'), side('spec')).map((c) => [c.rule, c.pointer])).toEqual([
      ['drift.request-parameter-remove', '/query/PageSize'],
    ]);
  });

  it('between two whole specs, nested fields dropped are a breaking removal', () => {
    const changes = diffSides(side('spec', described), side('spec', { type: 'object' }));
    expect(changes.map((c) => [c.rule, c.pointer])).toEqual([
      ['drift.response-field-remove', '/owner/id'],
      ['drift.response-field-remove', '/parts/*/id'],
    ]);
  });
});
