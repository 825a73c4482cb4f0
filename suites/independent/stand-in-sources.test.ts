// The stand-in against its sources: every rule it cites is written in the spec where it says; its
// request schemas are the spec's own (types, required, patterns, bounds, closed where the spec closes
// them), tightened only where a cited rule says so; it routes every operation of the spec, no more.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { needsSources, realSources, sourcesMissing } from '../support/fixtures';
import { REQUEST_SCHEMAS, SOURCE_RULES } from '../support/independent/request-rules';
import { ROUTES } from '../support/independent/server';

type Node = Record<string, unknown>;
const spec = (): Node => JSON.parse(readFileSync(realSources.spec, 'utf8'));

const at = (doc: unknown, pointer: string): unknown =>
  pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((n, key) => (n as Node | undefined)?.[key], doc);

/** The keywords a request schema constrains with, `$ref`s resolved; descriptions and formats dropped. */
function constraints(doc: Node, s: Node): Node {
  if (typeof s.$ref === 'string') return constraints(doc, at(doc, s.$ref.slice(1)) as Node);
  const out: Node = {};
  for (const k of ['type', 'pattern', 'minimum', 'maximum', 'additionalProperties'])
    if (k in s) out[k] = s[k];
  if (Array.isArray(s.required)) out.required = [...s.required].sort();
  if (s.properties) {
    const props = Object.entries(s.properties as Record<string, Node>);
    out.properties = Object.fromEntries(props.map(([k, v]) => [k, constraints(doc, v)]));
  }
  return out;
}

/** Ours, with the tightenings SOURCE_RULES cite taken back out: value sets, and policy_details an object. */
function loosened(s: unknown, key?: string): unknown {
  if (key === 'policy_details') return {};
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return s;
  const entries = Object.entries(s as Node).filter(([k]) => k !== 'enum');
  return Object.fromEntries(
    entries.map(([k, v]) => [
      k,
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as Node).map(([pk, pv]) => [pk, loosened(pv, pk)]))
        : loosened(v),
    ]),
  );
}
const ours = (s: Node): Node => constraints({}, loosened(s) as Node);

describe.skipIf(sourcesMissing)(needsSources('the stand-in’s rules come from the spec'), () => {
  it.each(SOURCE_RULES.map((r) => [r.id, r]))('%s: the spec says it where the rule points', (_id, r) => {
    const value = at(spec(), r.pointer);
    expect(value, r.pointer).toBeDefined();
    expect(String(value)).toContain(r.sentence);
  });

  it.each(Object.keys(REQUEST_SCHEMAS))(
    '%s: the request schema is the spec’s, but for the cited tightenings',
    (op) => {
      const doc = spec();
      const operation = Object.values(doc.paths as Record<string, Record<string, Node>>)
        .flatMap((p) => Object.values(p))
        .find((o) => o?.operationId === op) as Node;
      const body = at(operation, '/requestBody/content/application~1json/schema') as Node;
      expect(ours(REQUEST_SCHEMAS[op] as Node)).toEqual(constraints(doc, body));
    },
  );

  it('routes every operation of the spec, each at its method and path, and nothing else', () => {
    const doc = spec();
    const fromSpec = Object.entries(doc.paths as Record<string, Record<string, Node>>).flatMap(
      ([path, item]) =>
        Object.entries(item)
          .filter(([m]) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
          .map(([m, o]) => `${m.toUpperCase()} ${path} ${String(o.operationId)}`),
    );
    expect(fromSpec).toHaveLength(30);
    expect(ROUTES.map((r) => `${r.method} ${r.path} ${r.operation}`).sort()).toEqual(fromSpec.sort());
  });

  it('a request body marked required in the spec is required by the stand-in, and only those', () => {
    const doc = spec();
    const required = Object.values(doc.paths as Record<string, Record<string, Node>>)
      .flatMap((p) => Object.values(p))
      .filter((o) => (o?.requestBody as Node | undefined)?.required === true)
      .map((o) => o.operationId);
    expect(
      ROUTES.filter((r) => r.bodyRequired)
        .map((r) => r.operation)
        .sort(),
    ).toEqual([...required].sort());
  });
});
