// The docs' example outputs as evidence, and what a list's envelope says: each example against its
// own page's schema and the spec's, a list example's meta.key against its items, the items key and
// the error responses each source documents.

import type { Finding } from '../../finding';
import type { JsonSchema } from '../../model/json-schema';
import { ORIGINS, type Origin } from '../../model/operation';
import { schemaFile, schemaIdOf } from '../../schemas/ids';
import { itemsKeyProblem } from '../invariants';
import { list, make, type TriangulationRule } from './finding';
import { described } from './subject';

export const exampleFailsSchema: TriangulationRule = {
  name: 'triangulation.example-fails-schema',
  kind: 'triangulation',
  asserts: "each docs example validates against its own page's schema (error) and the spec's (warning)",
  needs: 'docs examples',
  run: (s, contract) => {
    const op = s.read ?? s.write;
    if (!op) return [];
    const out: Finding[] = [];
    for (const ex of op.examples ?? []) {
      for (const origin of ORIGINS) {
        const has = s.read ? s.read.schemas[origin] !== undefined : s.write?.sources?.[origin]?.response;
        if (!has) continue;
        const own = origin === 'docs';
        for (const v of contract.validator.validate(schemaIdOf(schemaFile(origin, op, 'response')), ex.value))
          out.push(
            make(s, 'triangulation.example-fails-schema', {
              severity: own ? 'error' : 'warning',
              source: 'docs example',
              pointer: v.pointer,
              expected: v.expected,
              actual: v.actual,
              message: `docs example at ${ex.file}:${ex.line}: ${v.message} (${own ? "the page's own" : 'the openapi spec'} schema)`,
              sources: { 'docs example': `${ex.file}:${ex.line}` },
            }),
          );
      }
    }
    return out;
  },
};

export const itemsKeyUnreadable: TriangulationRule = {
  name: 'triangulation.items-key-unreadable',
  kind: 'triangulation',
  asserts: "a docs list example's meta.key names its items array (twilio-node reads payload[meta.key])",
  needs: 'docs list examples',
  run: (s) => {
    if (s.read?.kind !== 'list') return [];
    return (s.read.examples ?? []).flatMap((ex) => {
      const problem = itemsKeyProblem(ex.value);
      if (!problem) return [];
      return [
        make(s, 'triangulation.items-key-unreadable', {
          severity: 'error',
          source: 'docs example',
          pointer: '/meta/key',
          expected: problem.expected,
          actual: problem.actual,
          message: `docs example at ${ex.file}:${ex.line}: meta.key is ${JSON.stringify(problem.actual)} but the items are in ${list(problem.expected.map((k) => JSON.stringify(k)))}; twilio-node reads payload[meta.key], so no client can read these items`,
          sources: { 'docs example': `${ex.file}:${ex.line}` },
        }),
      ];
    });
  },
};

export const itemsKeyDiffers: TriangulationRule = {
  name: 'triangulation.items-key-differs',
  kind: 'triangulation',
  asserts: "the list's items key is the same in the docs and the spec",
  needs: 'list operations both describe',
  run: (s) => {
    const op = s.read;
    if (!described(s) || op?.kind !== 'list') return [];
    const keyOf = (schema: JsonSchema | undefined) =>
      Object.entries(schema?.properties ?? {}).find(([k, v]) => k !== 'meta' && v.type === 'array')?.[0];
    const d = keyOf(op.schemas.docs?.response);
    const sp = keyOf(op.schemas.openapi?.response);
    if (d === sp) return [];
    return [
      make(s, 'triangulation.items-key-differs', {
        severity: 'warning',
        source: 'docs example and openapi spec',
        expected: d,
        actual: sp,
        message: `the list's items key is "${d}" in the docs and "${sp}" in the openapi spec`,
      }),
    ];
  },
};

export const errorResponsesUndocumented: TriangulationRule = {
  name: 'triangulation.error-responses-undocumented',
  kind: 'triangulation',
  asserts: 'the spec documents error responses (else error bodies follow Twilio’s convention: info)',
  needs: "the spec's response statuses",
  run: (s) => {
    const origin: Origin = 'openapi';
    const statuses = s.read ? s.read.schemas[origin]?.statuses : s.write?.sources?.[origin]?.statuses;
    if (!statuses || statuses.some((st) => /^[45]/.test(st))) return [];
    return [
      make(s, 'triangulation.error-responses-undocumented', {
        severity: 'info',
        source: 'openapi spec',
        actual: statuses,
        message: `the openapi spec documents only ${statuses.join(', ') || 'no'} responses; error bodies follow Twilio's convention (twilio-error.schema.json)`,
      }),
    ];
  },
};
