// Rules for writes: each judges one write the run sent (src/run/lifecycle.ts) and what the reads
// after it showed. The status and body against the spec; a create readable by its fetch and shown
// by its list; an update that changed exactly what was sent; a removal gone from fetch and list;
// an attach shown by the nested list; a send whose conversation exists; every refusal (a body the
// spec refuses, an unknown id, no credentials) a Twilio error with the right status.

import type { Finding } from '../finding';
import { isRecord } from '../json';
import type { JsonSchema } from '../model/json-schema';
import { processingFields } from '../model/twilio-conventions';
import { type WriteAction, type WriteOperation, writeLabel } from '../model/writes';
import type { Contract } from '../schemas/contract';
import { entryDifferences, refusalDefects } from './invariants';
import { categoryOf, type RuleInfo } from './rule';

/** What a write rule looks at (the lifecycle's WriteObservation, as far as rules need it). */
export interface WriteCheck {
  scenario: string;
  write: WriteOperation;
  exchange: import('../transport/http').Exchange;
  json?: unknown;
  jsonError?: string;
  expect: { statuses: number[]; body: 'success' | 'error' };
  sent?: unknown;
  why?: string;
  evidence: {
    fetched?: { url: string; status?: number; json?: unknown };
    before?: unknown;
    listed?: { url: string; shown: boolean; complete: boolean };
    named?: Array<{ field: string; id: string; listed?: boolean; fetched?: number; children?: number }>;
  };
}

export interface WriteRule extends RuleInfo {
  kind: 'write';
  appliesTo(w: WriteOperation): boolean;
  applies(o: WriteCheck): boolean;
  run(o: WriteCheck, contract: Contract): Finding[];
}

function writeFinding(
  rule: string,
  o: WriteCheck,
  f: Omit<Finding, 'rule' | 'operation' | 'request' | 'category' | 'source'> & { source?: string },
): Finding {
  const { method, url, authenticated, body } = o.exchange.request;
  return {
    rule,
    operation: writeLabel(o.write),
    request: {
      method,
      url,
      ...(authenticated ? {} : { authenticated }),
      ...(body !== undefined ? { body } : {}),
    },
    category: categoryOf(o),
    source: 'openapi spec',
    ...f,
  };
}

const succeeded = (o: WriteCheck) =>
  o.expect.body === 'success' &&
  o.exchange.response !== undefined &&
  o.expect.statuses.includes(o.exchange.response.status);
const on =
  (...actions: WriteAction[]) =>
  (w: WriteOperation) =>
    actions.includes(w.action);
const every = () => true;

export const writeStatus: WriteRule = {
  name: 'write.status',
  kind: 'write',
  asserts:
    'a write the API should accept answers a success status the spec documents for it (201 create, 200 update, 204 delete/attach/detach, 200/202 send)',
  needs: "each write's documented 2xx statuses",
  appliesTo: every,
  applies: (o) => o.expect.body === 'success' && o.exchange.response !== undefined,
  run: (o) => {
    const status = o.exchange.response?.status;
    return status !== undefined && o.expect.statuses.includes(status)
      ? []
      : [
          writeFinding('write.status', o, {
            severity: 'error',
            expected: o.expect.statuses,
            actual: status,
            message: `${o.scenario}: expected ${o.expect.statuses.join(' or ')}, got ${status}`,
          }),
        ];
  },
};

export const writeSchema: WriteRule = {
  name: 'write.schema',
  kind: 'write',
  asserts: "a write's success body validates against the spec's response schema for it",
  needs: "each write's response schema",
  appliesTo: (w) => w.response !== undefined,
  applies: (o) => succeeded(o) && o.json !== undefined,
  run: (o, contract) =>
    contract.validateWrite(o.write, 'response', o.json).map((v) =>
      writeFinding('write.schema', o, {
        severity: 'error',
        source: v.source,
        pointer: v.pointer,
        ...(v.expected !== undefined ? { expected: v.expected } : {}),
        ...(v.actual !== undefined ? { actual: v.actual } : {}),
        message: `${o.scenario}: ${v.message}`,
      }),
    ),
};

export const writeNoContent: WriteRule = {
  name: 'write.no-content',
  kind: 'write',
  asserts: 'a 204 carries no body',
  needs: 'writes that document 204',
  appliesTo: (w) => w.success.includes(204),
  applies: (o) => o.exchange.response?.status === 204,
  run: (o) => {
    const r = o.exchange.response;
    // HTTP clients drop a 204's body: a Content-Length above 0 is how one shows.
    const declared = Number(r?.headers['content-length'] ?? 0);
    if ((r?.body ?? '') === '' && !(declared > 0)) return [];
    return [
      writeFinding('write.no-content', o, {
        severity: 'error',
        actual: r?.body ? r.body.slice(0, 120) : `Content-Length: ${declared}`,
        message: `${o.scenario}: a 204 answered with a body`,
      }),
    ];
  },
};

export const createReadable: WriteRule = {
  name: 'write.create-readable',
  kind: 'write',
  asserts:
    'what a create made is read back by its fetch exactly as the create answered, and shown by its list',
  needs: "a create's list and fetch",
  appliesTo: on('create'),
  applies: (o) => succeeded(o) && (o.evidence.fetched !== undefined || o.evidence.listed !== undefined),
  run: (o) => {
    const out: Finding[] = [];
    const f = o.evidence.fetched;
    if (f && f.status !== 200)
      out.push(
        writeFinding('write.create-readable', o, {
          severity: 'error',
          expected: 200,
          actual: f.status,
          message: `the fetch of what the create made (${f.url}) answered ${f.status}`,
        }),
      );
    else if (f)
      for (const d of entryDifferences(o.json, f.json).filter((x) => !moves(o.write, x.field)))
        out.push(
          writeFinding('write.create-readable', o, {
            severity: 'error',
            pointer: `/${d.field}`,
            expected: d.listed,
            actual: d.fetched,
            message: `fetched ${d.field || 'item'} is ${JSON.stringify(d.fetched)}, the create answered ${JSON.stringify(d.listed)}`,
          }),
        );
    const l = o.evidence.listed;
    if (l && !l.shown && l.complete)
      out.push(
        writeFinding('write.create-readable', o, {
          severity: 'error',
          message: `the list (${l.url}) does not show what the create made`,
        }),
      );
    return out;
  },
};

const isDate = (s: JsonSchema | undefined) => s?.format === 'date-time';
/** A field the server moves on its own between two reads: a timestamp, or the state of asynchronous processing. */
const moves = (w: WriteOperation, field: string): boolean =>
  isDate(w.response?.properties?.[field]) ||
  processingFields(w.response ?? {}).some(([name]) => name === field);

export const updateApplied: WriteRule = {
  name: 'write.update-applied',
  kind: 'write',
  asserts:
    'an update changes exactly what was sent: the fetch shows each sent value, and every other field as before (timestamps may move)',
  needs: "an update's fetch and request schema",
  appliesTo: on('update'),
  applies: (o) => succeeded(o) && o.evidence.fetched?.status === 200 && isRecord(o.evidence.before),
  run: (o) => {
    const after = o.evidence.fetched?.json;
    const before = o.evidence.before;
    if (!isRecord(after) || !isRecord(before) || !isRecord(o.sent)) return [];
    const props = o.write.response?.properties ?? {};
    const out: Finding[] = [];
    const changed = (field: string, expected: unknown, message: string) =>
      out.push(
        writeFinding('write.update-applied', o, {
          severity: 'error',
          pointer: `/${field}`,
          expected,
          actual: after[field],
          message,
        }),
      );
    const same = (field: string, value: unknown) => JSON.stringify(after[field]) === JSON.stringify(value);
    for (const [field, value] of Object.entries(o.sent))
      if (Object.hasOwn(props, field) && !same(field, value))
        changed(
          field,
          value,
          `sent ${field} = ${JSON.stringify(value)}, the fetch shows ${JSON.stringify(after[field])}`,
        );
    for (const [field, value] of Object.entries(before))
      if (!Object.hasOwn(o.sent, field) && !moves(o.write, field) && !same(field, value))
        changed(
          field,
          value,
          `${field} was not sent but changed from ${JSON.stringify(value)} to ${JSON.stringify(after[field])}`,
        );
    return out;
  },
};

export const removalGone: WriteRule = {
  name: 'write.delete-gone',
  kind: 'write',
  asserts: 'after a delete the fetch answers 404',
  needs: "a delete's fetch",
  appliesTo: on('delete'),
  applies: (o) => succeeded(o) && o.evidence.fetched !== undefined,
  run: (o) => {
    const f = o.evidence.fetched;
    return !f || f.status === 404
      ? []
      : [
          writeFinding('write.delete-gone', o, {
            severity: 'error',
            expected: 404,
            actual: f.status,
            message: `after the delete, ${f.url} answered ${f.status}`,
          }),
        ];
  },
};

export const attachListed: WriteRule = {
  name: 'write.attach-listed',
  kind: 'write',
  asserts: 'an attach shows the item in the nested list (a detach removes it)',
  needs: "an attach's nested list",
  appliesTo: on('attach', 'detach'),
  applies: (o) => succeeded(o) && o.evidence.listed !== undefined,
  run: (o) => {
    const l = o.evidence.listed;
    const want = o.write.action === 'attach';
    if (!l || l.shown === want || (!l.complete && !l.shown && want)) return [];
    return [
      writeFinding('write.attach-listed', o, {
        severity: 'error',
        expected: want,
        actual: l.shown,
        message: `after the ${o.write.action}, the nested list (${l.url}) ${l.shown ? 'still shows' : 'does not show'} the item`,
      }),
    ];
  },
};

export const sendEffect: WriteRule = {
  name: 'write.send-effect',
  kind: 'write',
  asserts:
    'what a send names (a session) is listed and fetchable, and what it holds (its messages) is listed',
  needs: "a send's named items",
  appliesTo: on('send'),
  applies: (o) => succeeded(o) && (o.evidence.named?.length ?? 0) > 0,
  run: (o) =>
    (o.evidence.named ?? []).flatMap((n) => {
      const problems = [
        ...(n.listed === false ? [`its list does not show ${n.field} ${n.id}`] : []),
        ...(n.fetched !== undefined && n.fetched !== 200
          ? [`fetching ${n.field} ${n.id} answered ${n.fetched}`]
          : []),
        ...(n.children === 0 ? [`nothing is listed under ${n.field} ${n.id}`] : []),
      ];
      return problems.map((message) =>
        writeFinding('write.send-effect', o, { severity: 'error', pointer: `/${n.field}`, message }),
      );
    }),
};

function refusal(name: string, scenario: string, asserts: string): WriteRule {
  return {
    name,
    kind: 'write',
    asserts,
    needs: 'every write',
    appliesTo:
      scenario === 'negative'
        ? (w) => w.request !== undefined
        : scenario === 'unknown-id'
          ? (w) => w.pathParams.length > 0
          : every,
    applies: (o) => o.scenario === scenario && o.exchange.response !== undefined,
    run: (o, contract) => {
      const r = o.exchange.response;
      if (!r) return [];
      const label = o.why ? `${o.scenario} (${o.why})` : o.scenario;
      return refusalDefects(contract, label, r, o.json, o.jsonError, o.expect.statuses[0] ?? 400).map((d) =>
        writeFinding(name, o, { severity: 'error', ...d }),
      );
    },
  };
}

/** The lifecycle as a model (src/run/stateful.ts): any sequence of writes leaves the API as the model says. */
export const lifecycleRule: RuleInfo = {
  name: 'write.lifecycle-model',
  kind: 'write',
  asserts:
    'after any sequence of creates, updates, deletes, attaches and detaches, what the API fetches and lists equals the model (fast-check model-based, shrunk to the shortest sequence)',
  needs: 'the write descriptors and the reads that show them',
};

/** Reported by the run, not judged per write: what it made and could not remove. */
export const cleanupRule: RuleInfo = {
  name: 'write.cleanup',
  kind: 'write',
  asserts:
    'everything a run made is removed at its end; what is left is listed with the command that removes it',
  needs: 'the run journal',
};

export const WRITE_RULES: readonly WriteRule[] = [
  writeStatus,
  writeSchema,
  writeNoContent,
  createReadable,
  updateApplied,
  removalGone,
  attachListed,
  sendEffect,
  refusal(
    'write.refuses-invalid',
    'negative',
    "a body the spec's request schema refuses (a required field missing, a wrong type, a bound broken, a value the spec does not list) gets 400 with a Twilio error body",
  ),
  refusal('write.unknown-id', 'unknown-id', 'a write to an unknown id gives 404 with a Twilio error body'),
  refusal('write.auth-required', 'no-auth', 'a write without credentials gives 401 with a Twilio error body'),
];
