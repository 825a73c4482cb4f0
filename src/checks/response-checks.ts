// Checks that hold for every response: status, content type, JSON, schema, documented fields.

import type { Contract } from '../contract/contract';
import type { Finding } from '../findings';
import { isRecord } from '../json';
import { type Check, finding, foldIndices, isSuccess, type Observation, succeeded } from './observation';

export const statusCode: Check = {
  id: 'response.status',
  description: 'a request the API should serve answers 200',
  operations: ['list', 'fetch'],
  applies: (o) => isSuccess(o) && o.exchange.response !== undefined,
  run: (o) => {
    const status = o.exchange.response?.status;
    return status === o.expect.status
      ? []
      : [
          finding('response.status', o, {
            severity: 'error',
            expected: o.expect.status,
            actual: status,
            message: `expected status ${o.expect.status}, got ${status}`,
          }),
        ];
  },
};

export const contentType: Check = {
  id: 'response.content-type',
  description: 'every response declares Content-Type application/json',
  operations: ['list', 'fetch'],
  applies: (o) => o.exchange.response !== undefined,
  run: (o) => {
    const type = o.exchange.response?.headers['content-type'];
    return /^application\/([\w.-]+\+)?json\b/i.test(type ?? '')
      ? []
      : [
          finding('response.content-type', o, {
            severity: 'error',
            expected: 'application/json',
            actual: type ?? null,
            message: `Content-Type is ${type ? `"${type}"` : 'missing'}, expected application/json`,
          }),
        ];
  },
};

export const jsonBody: Check = {
  id: 'response.json',
  description: 'every response body parses as JSON',
  operations: ['list', 'fetch'],
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

export const encoding: Check = {
  id: 'response.encoding',
  description: 'every response body is valid UTF-8',
  operations: ['list', 'fetch'],
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

export const responseSchema: Check = {
  id: 'response.schema',
  description: 'a 200 body validates against the contract (session or list page schema)',
  operations: ['list', 'fetch'],
  applies: succeeded,
  run: (o, contract) => {
    const seen = new Map<string, Finding & { count: number }>();
    for (const v of contract.validate(o.expect.body, o.json)) {
      const key = `${foldIndices(v.pointer)}\u0000${v.keyword}`;
      const prior = seen.get(key);
      if (prior) {
        prior.count++;
        continue;
      }
      seen.set(key, {
        ...finding('response.schema', o, {
          severity: v.severity,
          pointer: v.pointer,
          expected: v.expected,
          actual: v.actual,
          message: v.message,
        }),
        count: 1,
      });
    }
    return [...seen.values()].map(({ count, ...f }) =>
      count > 1 ? { ...f, message: `${f.message} (and ${count - 1} more items)` } : f,
    );
  },
};

/** The resource objects in a 200 body with the pointer each sits at. */
export function resources(o: Observation, contract: Contract): Array<[string, Record<string, unknown>]> {
  if (o.expect.body === 'resource') return isRecord(o.json) ? [['', o.json]] : [];
  const items = isRecord(o.json) ? o.json[contract.itemsKey] : undefined;
  return Array.isArray(items)
    ? items.flatMap((it, k) =>
        isRecord(it) ? [[`/${contract.itemsKey}/${k}`, it] as [string, Record<string, unknown>]] : [],
      )
    : [];
}

export const fieldsPresent: Check = {
  id: 'response.fields-present',
  description: 'every documented field is present (Twilio serialises every property, null when unset)',
  operations: ['list', 'fetch'],
  applies: succeeded,
  run: (o, contract) => {
    const documented = contract.documentedFields('resource');
    const missing = new Map<string, { pointer: string; count: number }>();
    for (const [at, resource] of resources(o, contract)) {
      for (const name of documented.keys()) {
        if (name in resource) continue;
        const prior = missing.get(name);
        if (prior) prior.count++;
        else missing.set(name, { pointer: `${at}/${name}`, count: 1 });
      }
    }
    return [...missing].map(([name, { pointer, count }]) => {
      const sources = documented.get(name) ?? [];
      const everywhere = sources.length >= contract.sourceCount;
      const more = count > 1 ? ` (in ${count} items)` : '';
      return finding('response.fields-present', o, {
        severity: everywhere ? 'error' : 'warning',
        pointer,
        expected: { present: name, documentedBy: sources },
        message: everywhere
          ? `documented field ${name} is missing${more}`
          : `${name} is missing${more}; only the ${sources.join(', ')} documents it: the sources disagree here`,
      });
    });
  },
};

export const undocumentedFields: Check = {
  id: 'response.undocumented-fields',
  description: 'fields no source documents are reported (warning: new fields are not breaking)',
  operations: ['list', 'fetch'],
  applies: succeeded,
  run: (o, contract) => {
    const documented = contract.documentedFields('resource');
    const extra = new Map<string, string>();
    for (const [at, resource] of resources(o, contract)) {
      for (const name of Object.keys(resource))
        if (!documented.has(name) && !extra.has(name)) extra.set(name, `${at}/${name}`);
    }
    if (o.expect.body === 'list' && isRecord(o.json)) {
      const envelope = contract.documentedFields('list');
      for (const name of Object.keys(o.json))
        if (!envelope.has(name)) extra.set(`(page) ${name}`, `/${name}`);
      const metaFields = contract.documentedFields('list', ['meta']);
      const meta = o.json.meta;
      if (isRecord(meta))
        for (const name of Object.keys(meta))
          if (!metaFields.has(name)) extra.set(`meta.${name}`, `/meta/${name}`);
    }
    return [...extra].map(([name, pointer]) =>
      finding('response.undocumented-fields', o, {
        severity: 'warning',
        pointer,
        actual: name,
        message: `undocumented field ${name}`,
      }),
    );
  },
};

const snippet = (s: string): string => (s.length > 120 ? `${s.slice(0, 120)}…` : s);
