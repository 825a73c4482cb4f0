// Rules for writes: each judges one write the run sent (src/run/lifecycle.ts) and what the reads
// after it showed. The status and body against the spec; a create readable by its fetch and shown
// by its list; an update that changed exactly what was sent; a removal gone from fetch and list;
// an attach shown by the nested list; a send whose conversation exists; every refusal (a body the
// spec refuses, an unknown id, no credentials) a Twilio error with the right status.

import type { Finding } from '../../finding';
import { isRecord } from '../../json';
import type { JsonSchema } from '../../model/json-schema';
import { echoField, processingFields } from '../../model/twilio-conventions';
import { updatedFields, type WriteAction, type WriteOperation, writeLabel } from '../../model/writes';
import type { Contract } from '../../schemas/contract';
import { entryDifferences, refusalDefects } from '../invariants';
import { categoryOf, type RuleInfo } from '../rule';
import { succeeded, type WriteObservation } from './observation';

/** What a write rule looks at. */
export type WriteCheck = WriteObservation;

export interface WriteRule extends RuleInfo {
  kind: 'write';
  appliesTo(w: WriteOperation): boolean;
  /** The only scenarios whose writes the rule judges (absent: any); `judges` checks it before `applies`. */
  scenarios?: readonly WriteCheck['scenario'][];
  applies(o: WriteCheck): boolean;
  run(o: WriteCheck, contract: Contract): Finding[];
}

function writeFinding(
  rule: string,
  o: WriteCheck,
  f: Omit<Finding, 'rule' | 'operation' | 'request' | 'category' | 'source'> & {
    source?: string;
    category?: Finding['category'];
  },
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
  // A refused arrangement is write.arrange-refused's: it quotes what the provider said.
  applies: (o) => o.expect.body === 'success' && o.exchange.response !== undefined && !refusedArrangement(o),
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

const isDate = (s: JsonSchema | undefined) => s?.format === 'date-time' || s?.format === 'date-time-rfc-2822';
/** A field the server moves on its own between two reads: a timestamp, or the state of asynchronous processing. */
const moves = (w: WriteOperation, field: string): boolean =>
  isDate(w.response?.properties?.[field]) ||
  processingFields(w.response ?? {}).some(([name]) => name === field);

/** A value without what moves on its own at any depth (an embedded item's dates and processing state). */
function steady(value: unknown, schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => steady(v, schema.items, depth + 1));
  if (!isRecord(value) || !schema.properties) return value;
  const busy = new Set(processingFields(schema).map(([name]) => name));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !isDate(schema.properties?.[k]) && !busy.has(k))
      .map(([k, v]) => [k, steady(v, schema.properties?.[k], depth + 1)]),
  );
}

export const updateApplied: WriteRule = {
  name: 'write.update-applied',
  kind: 'write',
  asserts:
    'an update changes exactly what was sent: the fetch shows each sent value, every other field as before, and its updated date moved on',
  needs: "an update's fetch and request schema",
  appliesTo: on('update'),
  applies: (o) => succeeded(o) && o.evidence.fetched?.status === 200 && isRecord(o.evidence.before),
  run: (o, contract) => {
    const after = o.evidence.fetched?.json;
    const before = o.evidence.before;
    if (!isRecord(after) || !isRecord(before) || !isRecord(o.sent)) return [];
    // What the fetch documents (an assistant's embedded knowledge), beside what the update answers.
    const fetch = contract.operations.find((op) => op.id === o.write.effect.fetch);
    const props = {
      ...(fetch ? contract.merged(fetch).properties : {}),
      ...(o.write.response?.properties ?? {}),
    };
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
    const same = (field: string, value: unknown) => {
      const s = props[field];
      return JSON.stringify(steady(after[field], s)) === JSON.stringify(steady(value, s));
    };
    // Each field sent, under the name the answer echoes it with (a form's FriendlyName is friendly_name).
    const echoes = new Map(
      Object.entries(o.sent).flatMap(([field, value]) => {
        const echo = echoField({ properties: props }, field);
        return echo ? [[echo, { field, value }] as const] : [];
      }),
    );
    for (const [echo, { field, value }] of echoes)
      if (!same(echo, value))
        changed(
          echo,
          value,
          `sent ${field} = ${JSON.stringify(value)}, the fetch shows ${JSON.stringify(after[echo])}`,
        );
    for (const [field, value] of Object.entries(before))
      if (
        !echoes.has(field) &&
        !Object.hasOwn(o.sent, field) &&
        !moves(o.write, field) &&
        !same(field, value)
      )
        changed(
          field,
          value,
          `${field} was not sent but changed from ${JSON.stringify(value)} to ${JSON.stringify(after[field])}`,
        );
    for (const field of updatedFields(o.write)) {
      const [was, now] = [Date.parse(String(before[field])), Date.parse(String(after[field]))];
      if (Number.isFinite(was) && !(now > was))
        changed(
          field,
          `later than ${before[field]}`,
          `the update left ${field} at ${JSON.stringify(after[field])} (was ${before[field]})`,
        );
    }
    return out;
  },
};

export const removalGone: WriteRule = {
  name: 'write.delete-gone',
  kind: 'write',
  asserts: 'after a delete the fetch answers 404 and the list no longer shows the item',
  needs: "a delete's fetch and list",
  appliesTo: on('delete'),
  applies: (o) => succeeded(o) && (o.evidence.fetched !== undefined || o.evidence.listed !== undefined),
  run: (o) => {
    const f = o.evidence.fetched;
    const l = o.evidence.listed;
    return [
      ...(f && f.status !== 404
        ? [{ expected: 404, actual: f.status, message: `after the delete, ${f.url} answered ${f.status}` }]
        : []),
      ...(l?.shown
        ? [
            {
              expected: false,
              actual: true,
              message: `after the delete, the list (${l.url}) still shows the item`,
            },
          ]
        : []),
    ].map((d) => writeFinding('write.delete-gone', o, { severity: 'error', ...d }));
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
    'what a send names (a session) is listed and fetchable, and what it holds (its messages) stores what was sent and the reply',
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
        ...(n.missing ?? []).map(
          (t) => `no item under ${n.field} ${n.id} holds ${JSON.stringify(t.slice(0, 80))}`,
        ),
      ];
      return problems.map((message) =>
        writeFinding('write.send-effect', o, { severity: 'error', pointer: `/${n.field}`, message }),
      );
    }),
};

/** A write the run needed for its data, refused with a 4xx: the provider's word against the sources'. */
const refusedArrangement = (o: WriteCheck): boolean => {
  const status = o.exchange.response?.status ?? 0;
  return o.scenario === 'arrange' && status >= 400 && status < 500 && status !== 429;
};

/** What a Twilio error body says, for a finding: its message and code. */
const providerSays = (json: unknown): string =>
  isRecord(json) && typeof json.message === 'string'
    ? `"${json.message}"${json.code !== undefined ? ` (code ${String(json.code)})` : ''}`
    : 'no Twilio error message';

export const arrangeRefused: WriteRule = {
  name: 'write.arrange-refused',
  kind: 'write',
  asserts:
    'the writes a run needs to arrange its data are accepted: a body built from every source (request schema, prose rules, response shapes) is not refused',
  needs: "each write's request schema and the rules its sources state",
  appliesTo: every,
  scenarios: ['arrange'],
  applies: (o) => o.exchange.response !== undefined,
  run: (o) => {
    if (!refusedArrangement(o)) return [];
    const sent = isRecord(o.sent) ? Object.keys(o.sent).join(', ') || 'no field' : 'no body';
    return [
      writeFinding('write.arrange-refused', o, {
        severity: 'error',
        expected: o.expect.statuses,
        actual: o.exchange.response?.status,
        message: `the provider refused a write the run needs to arrange its data: ${o.exchange.response?.status} ${providerSays(o.json)}; sent ${sent}. If the provider is right, a source is incomplete: add the rule to a docs page (npm run schemas), or check the write rules with --list-checks`,
      }),
    ];
  },
};

export const malformedJson: WriteRule = {
  name: 'write.malformed-json',
  kind: 'write',
  asserts: 'a body that is not JSON is answered 4xx (a refusal), never 5xx nor success',
  needs: 'writes that take a JSON body',
  appliesTo: (w) => w.request !== undefined && w.requestEncoding !== 'form',
  scenarios: ['malformed'],
  applies: (o) => o.exchange.response !== undefined,
  run: (o) => {
    const status = o.exchange.response?.status ?? 0;
    return status >= 400 && status < 500
      ? []
      : [
          // A 5xx here is the provider failing on bad input it must refuse: a contract break, not an outage.
          writeFinding('write.malformed-json', o, {
            severity: 'error',
            category: 'contract',
            expected: '4xx',
            actual: status,
            message: `malformed JSON answered ${status}`,
          }),
        ];
  },
};

/** A rule over what a write's answer did to the run's safety (session.ts notes it as it happens). */
function safetyRule(
  name: 'write.create-new' | 'write.account',
  asserts: string,
  appliesTo: (w: WriteOperation) => boolean,
): WriteRule {
  return {
    name,
    kind: 'write',
    asserts,
    needs: 'the run tag and the census of what existed before the run',
    appliesTo,
    applies: (o) => (o.exchange.response?.status ?? 500) < 300 && o.json !== undefined,
    run: (o) =>
      (o.safety ?? [])
        .filter((x) => x.rule === name)
        .map((x) => writeFinding(name, o, { severity: 'error', message: x.message })),
  };
}

export const createNew = safetyRule(
  'write.create-new',
  "what a create answers is new: an id seen neither before the run nor in another answer, carrying the run's tag where it was sent (else it is never changed)",
  on('create', 'send'),
);

export const accountMatches = safetyRule(
  'write.account',
  "every write answer's account fields name the account written to (else writing stops and what the run made is undone)",
  (w) => Object.keys(w.response?.properties ?? {}).length > 0,
);

export const processingEnds: WriteRule = {
  name: 'write.processing-ends',
  kind: 'write',
  asserts:
    'an item processed asynchronously (a knowledge source) reaches a terminal status within the bound (--processing-timeout)',
  needs: 'a processing field whose listed values tell busy from done',
  appliesTo: (w) => w.action === 'create' && processingFields(w.response ?? {}).length > 0,
  applies: (o) => succeeded(o) && o.evidence.processed !== undefined,
  run: (o) => {
    const p = o.evidence.processed;
    if (!p || p.terminal) return [];
    return [
      writeFinding('write.processing-ends', o, {
        severity: 'error',
        pointer: `/${p.field}`,
        expected: 'a terminal status',
        actual: p.value,
        message: `${p.field} stayed ${JSON.stringify(p.value)} for ${(p.ms / 1000).toFixed(1)} s, past the ${(p.bound / 1000).toFixed(1)} s bound (--processing-timeout)`,
      }),
    ];
  },
};

function refusal(name: string, scenario: WriteCheck['scenario'], asserts: string): WriteRule {
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
    scenarios: [scenario],
    applies: (o) => o.exchange.response !== undefined,
    run: (o, contract) => {
      const r = o.exchange.response;
      if (!r) return [];
      const label = o.why ? `${o.scenario} (${o.why})` : o.scenario;
      // A refusal answered 5xx is the provider failing on what it must refuse: a contract break.
      return refusalDefects(contract, label, r, o.json, o.jsonError, o.expect.statuses[0] ?? 400).map((d) =>
        writeFinding(name, o, { severity: 'error', category: 'contract', ...d }),
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

/** Whether a rule judges this write: one of its scenarios, and what it applies to. */
export const judges = (rule: WriteRule, o: WriteCheck): boolean =>
  (!rule.scenarios || rule.scenarios.includes(o.scenario)) && rule.applies(o);

/**
 * Whether any of the selected rules judges a write of this scenario: a run narrowed by --only sends
 * no refusal that none of its rules would judge (fewer writes on a real account).
 */
export const judgedScenario =
  (selected: (rule: string) => boolean) =>
  (scenario: WriteCheck['scenario']): boolean =>
    WRITE_RULES.some((r) => selected(r.name) && (!r.scenarios || r.scenarios.includes(scenario)));

export const WRITE_RULES: readonly WriteRule[] = [
  arrangeRefused,
  writeStatus,
  writeSchema,
  writeNoContent,
  createReadable,
  updateApplied,
  removalGone,
  attachListed,
  sendEffect,
  processingEnds,
  createNew,
  accountMatches,
  malformedJson,
  refusal(
    'write.refuses-invalid',
    'negative',
    'a body the sources refuse (a required field missing, a wrong type, a bound broken, a value the prose does not list, a prose rule broken, a field the schema closes out) gets 400 with a Twilio error body',
  ),
  refusal('write.unknown-id', 'unknown-id', 'a write to an unknown id gives 404 with a Twilio error body'),
  refusal('write.auth-required', 'no-auth', 'a write without credentials gives 401 with a Twilio error body'),
];
