// Rules that hold for every response of every operation: status, content type, JSON, encoding, the
// resolved schema, documented fields present, undocumented fields.

import type { Finding } from '../finding';
import { isRecord } from '../json';
import { isJsonMedia, mediaEssence, type Operation, successMedia } from '../model/operation';
import type { Contract } from '../schemas/contract';
import {
  finding,
  foldIndices,
  isSuccess,
  type Observation,
  type ObservationRule,
  succeeded,
  violationsOf,
} from './rule';

const every = (_op: Operation) => true;

export const statusCode: ObservationRule = {
  name: 'response.status',
  kind: 'response',
  asserts:
    'a request the API should serve answers the status its spec documents (200, or a 302/307 redirect)',
  needs: 'every operation',
  appliesTo: every,
  applies: (o) => isSuccess(o) && o.exchange.response !== undefined,
  run: (o) => {
    const status = o.exchange.response?.status;
    return status === o.expect.status
      ? []
      : [
          finding('response.status', o, {
            severity: 'error',
            ...(o.op.success ? { source: 'openapi spec' } : {}),
            expected: o.expect.status,
            actual: status,
            message: `${o.scenario}: expected status ${o.expect.status}, got ${status}`,
          }),
        ];
  },
};

export const contentType: ObservationRule = {
  name: 'response.content-type',
  kind: 'response',
  asserts:
    'every response declares a JSON Content-Type; the documented answer, the media type its spec documents (application/json, application/scim+json…)',
  needs: 'every operation',
  appliesTo: every,
  applies: (o) => o.exchange.response !== undefined,
  run: (o) => {
    const type = o.exchange.response?.headers['content-type'];
    const expected = expectedMedia(o);
    const ok = expected ? mediaEssence(type ?? '') === expected : isJsonMedia(type ?? '');
    return ok
      ? []
      : [
          finding('response.content-type', o, {
            severity: 'error',
            ...(expected && o.op.media ? { source: 'openapi spec' } : {}),
            expected: expected ?? 'application/json',
            actual: type ?? null,
            message: `Content-Type is ${type ? `"${type}"` : 'missing'}, expected ${expected ?? 'application/json'}`,
          }),
        ];
  },
};

/**
 * The media type the documented answer must declare: the one its spec documents (application/json,
 * `application/scim+json`), parameters aside; undefined (any JSON type) for a refusal, an answer of
 * another status (response.status judges that), or an operation only a docs page states (a page
 * names no media type).
 */
function expectedMedia(o: Observation): string | undefined {
  const documented = isSuccess(o) && o.exchange.response?.status === o.expect.status;
  return documented && o.op.schemas.openapi ? mediaEssence(successMedia(o.op)) : undefined;
}

export const jsonBody: ObservationRule = {
  name: 'response.json',
  kind: 'response',
  asserts: 'every response body parses as JSON',
  needs: 'every operation',
  appliesTo: every,
  applies: (o) => o.exchange.response !== undefined,
  run: (o) =>
    o.jsonError === undefined
      ? []
      : [
          finding('response.json', o, {
            severity: 'error',
            actual: snippet(o.exchange.response?.body ?? ''),
            message: `body is not JSON: ${o.jsonError}`,
          }),
        ],
};

export const encoding: ObservationRule = {
  name: 'response.encoding',
  kind: 'response',
  asserts: 'every response body is valid UTF-8',
  needs: 'every operation',
  appliesTo: every,
  applies: (o) => o.exchange.response !== undefined,
  run: (o) =>
    o.exchange.response?.invalidUtf8
      ? [
          finding('response.encoding', o, {
            severity: 'error',
            message: 'body is not valid UTF-8 (JSON must be)',
          }),
        ]
      : [],
};

/** Violations of the resolved contract, grouped by folded pointer and keyword (one finding per defect, not per item). */
function contractFindings(
  rule: string,
  o: Observation,
  contract: Contract,
  keep: (keyword: string) => boolean,
): Finding[] {
  const seen = new Map<string, Finding & { count: number }>();
  for (const v of violationsOf(o, contract)) {
    if (!keep(v.keyword)) continue;
    const key = `${foldIndices(v.pointer)}\u0000${v.keyword}`;
    const prior = seen.get(key);
    if (prior) {
      prior.count++;
      continue;
    }
    seen.set(key, {
      ...finding(rule, o, {
        severity: v.severity,
        source: v.source,
        pointer: v.pointer,
        ...(v.expected !== undefined ? { expected: v.expected } : {}),
        ...(v.actual !== undefined ? { actual: v.actual } : {}),
        message: v.message,
      }),
      count: 1,
    });
  }
  return [...seen.values()].map(({ count, ...f }) =>
    count > 1 ? { ...f, message: `${f.message} (and ${count - 1} more items)` } : f,
  );
}

export const responseSchema: ObservationRule = {
  name: 'response.schema',
  kind: 'response',
  asserts:
    'the documented body (a 200, or a redirect the spec documents) validates against the resolved contract (per constraint: docs table and openapi spec); presence is response.fields-present',
  needs: "each source's response schema",
  appliesTo: every,
  applies: succeeded,
  run: (o, contract) => contractFindings('response.schema', o, contract, (k) => k !== 'required'),
};

/** The instance objects in a 200 body, each with the pointer it sits at (built only when asked for: a page may hold millions). */
export function* instances(o: Observation): Generator<[() => string, Record<string, unknown>]> {
  if (o.expect.body === 'instance') {
    if (isRecord(o.json)) yield [() => '', o.json];
    return;
  }
  const key = o.op.itemsKey ?? '';
  const items = isRecord(o.json) ? o.json[key] : undefined;
  if (!Array.isArray(items)) return;
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (isRecord(it)) yield [() => `/${key}/${k}`, it];
  }
}

export const fieldsPresent: ObservationRule = {
  name: 'response.fields-present',
  kind: 'response',
  asserts:
    'every field a source requires is present, at any depth; a documented optional field may be absent (Twilio omits them)',
  needs: "each source's required lists",
  appliesTo: every,
  applies: succeeded,
  run: (o, contract) => contractFindings('response.fields-present', o, contract, (k) => k === 'required'),
};

export const undocumentedFields: ObservationRule = {
  name: 'response.undocumented-fields',
  kind: 'response',
  asserts: 'fields no source documents are reported (warning: new fields are not breaking)',
  needs: 'the documented instance and envelope fields',
  appliesTo: every,
  applies: succeeded,
  run: (o, contract: Contract) => {
    const documented = contract.documentedFields(o.op);
    const extra = new Map<string, string>();
    for (const [at, resource] of instances(o)) {
      for (const name of Object.keys(resource))
        if (!documented.has(name) && !extra.has(name)) extra.set(name, `${at()}/${name}`);
    }
    if (o.expect.body === 'list' && isRecord(o.json)) {
      const envelope = contract.envelopeFields(o.op);
      for (const name of Object.keys(o.json))
        if (!envelope.page.has(name)) extra.set(`(page) ${name}`, `/${name}`);
      const meta = o.json.meta;
      if (isRecord(meta))
        for (const name of Object.keys(meta))
          if (!envelope.meta.has(name)) extra.set(`meta.${name}`, `/meta/${name}`);
    }
    return [...extra].map(([name, pointer]) =>
      finding('response.undocumented-fields', o, {
        severity: 'warning',
        source: 'the response',
        pointer,
        actual: name,
        message: `undocumented field ${name}`,
      }),
    );
  },
};

const snippet = (s: string): string => (s.length > 120 ? `${s.slice(0, 120)}…` : s);

export const RESPONSE_RULES: readonly ObservationRule[] = [
  statusCode,
  contentType,
  jsonBody,
  encoding,
  responseSchema,
  fieldsPresent,
  undocumentedFields,
];
