// A recorded target's traffic, judged: every recorded exchange the plan did not itself ask for is
// replayed and judged as traffic — the plan's own scenarios (no credentials, an unknown id, PageSize
// out of bounds) where they were recorded, any other answer as a request the API should serve, a
// list at whatever PageSize it was read with, a write by what its answer says. A recorded request
// that maps to no operation of the model is handed back, to be reported.

import { mapLimit } from '../concurrency';
import { decodeSegment, parseProviderJson } from '../json';
import { type Operation, pathMatcher } from '../model/operation';
import type { WriteOperation } from '../model/writes';
import { pageSizeBounds } from '../rules/invariants';
import type { BodyRole, Observation } from '../rules/rule';
import type { WriteObservation as WriteCheck } from '../rules/writes/observation';
import type { RecordedRequest } from '../transport/cassette';
import { type PlanState, UNKNOWN_ID } from './plan-state';

/** A recorded or sent request, as the plan compares them: path and query as a URL parses them, and credentials. */
const exchangeKey = (pathOrUrl: string, authenticated: boolean): string => {
  const url = safeUrl(pathOrUrl);
  return `${authenticated}\u0000${url ? `${url.pathname}?${[...url.searchParams].sort().join('&')}` : pathOrUrl}`;
};

function safeUrl(pathOrUrl: string): URL | undefined {
  try {
    return new URL(pathOrUrl, 'https://recorded.invalid');
  } catch {
    return undefined;
  }
}

/** Path values of a filled path, by parameter name (undecodable values kept as sent). */
function pathValuesOf(
  params: ReadonlyArray<{ name: string }>,
  m: RegExpExecArray | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  params.forEach((p, k) => {
    out[p.name] = decodeSegment(m?.[k + 1] ?? '');
  });
  return out;
}

/** Judges every recorded exchange the plan did not ask for; returns those that map to no operation. */
export async function judgeRecorded(plan: PlanState): Promise<RecordedRequest[]> {
  const { contract, options } = plan;
  const asked = new Set(
    [...plan.byOp.values()]
      .flat()
      .map((o) => exchangeKey(o.exchange.request.url, o.exchange.request.authenticated)),
  );
  const matchers = contract.operations.map((op) => ({ op, re: pathMatcher(op.path) }));
  const unmappedOut: RecordedRequest[] = [];
  const todo: Array<() => Promise<unknown>> = [];
  const writeMatchers = contract.writes.map((w) => ({ w, re: pathMatcher(w.path) }));
  for (const r of options.recorded ?? []) {
    if (r.method !== 'GET') {
      const url = safeUrl(r.path);
      const found = url && writeMatchers.find((m) => m.w.method === r.method && m.re.test(url.pathname));
      if (!url || !found) unmappedOut.push(r);
      else if (!options.operations || options.operations.includes(found.w.id))
        todo.push(() => judgeRecordedWrite(plan, found.w, found.re.exec(url.pathname), r));
      continue;
    }
    const key = exchangeKey(r.path, r.authenticated);
    if (asked.has(key)) continue;
    asked.add(key);
    const url = safeUrl(r.path);
    const found = url && matchers.find((m) => m.re.test(url.pathname));
    if (!url || !found) {
      unmappedOut.push(r);
      continue;
    }
    if (!plan.wanted(found.op)) continue;
    todo.push(recordedRead(plan, found.op, found.re.exec(url.pathname), url, r));
  }
  await mapLimit(todo, options.concurrency ?? 1, (f) => f());
  return unmappedOut;
}

/** What a recorded read should have been answered: the scenario it matches, its status and body. */
function readExpectation(
  op: Operation,
  values: Record<string, string>,
  size: string | undefined,
  r: RecordedRequest,
): [string, { status: number; body: BodyRole }] {
  const bounds = pageSizeBounds(op);
  const sizeOk =
    size === undefined || !bounds || (/^\d+$/.test(size) && +size >= bounds.min && +size <= bounds.max);
  const body = op.kind === 'list' ? 'list' : 'instance';
  return !r.authenticated
    ? ['no-auth', { status: 401, body: 'error' }]
    : Object.values(values).includes(UNKNOWN_ID)
      ? ['unknown-id', { status: 404, body: 'error' }]
      : !sizeOk
        ? [`list-page-size-invalid-${size}`, { status: 400, body: 'error' }]
        : ['recorded', { status: 200, body }];
}

/**
 * A recorded read, to be replayed and judged as the plan's observation of its operation; its list
 * entry is looked up now, among the pages the plan itself read.
 */
function recordedRead(
  plan: PlanState,
  op: Operation,
  m: RegExpExecArray | null,
  url: URL,
  r: RecordedRequest,
): () => Promise<Observation> {
  const values = pathValuesOf(op.pathParams, m);
  const bounds = pageSizeBounds(op);
  const size = bounds ? (url.searchParams.get(bounds.name) ?? undefined) : undefined;
  const [scenario, expect] = readExpectation(op, values, size, r);
  const last = op.pathParams.at(-1)?.name;
  const entry =
    op.kind === 'instance' && last && op.pairsWith ? plan.listedEntry(op.pairsWith, values[last]) : undefined;
  const extra: Partial<Observation> = {
    ...(size !== undefined ? { pageSize: size } : {}),
    ...(entry !== undefined ? { listEntry: entry } : {}),
  };
  return () => plan.observe(scenario, op, r.path, expect, extra, r.authenticated);
}

/**
 * A recorded write, replayed: no credentials → 401 expected, an unknown id → 404, a recorded 4xx
 * (a body the provider refused) → a refusal with a Twilio error body, any other → a success the
 * spec documents. What it changed cannot be read back from a recording.
 */
async function judgeRecordedWrite(
  plan: PlanState,
  w: WriteOperation,
  m: RegExpExecArray | null,
  r: RecordedRequest,
) {
  const values = Object.values(pathValuesOf(w.pathParams, m));
  const exchange = await plan.transport.send(r.method, r.path, {
    ...(r.body !== undefined ? { body: r.body } : {}),
    ...(r.authenticated ? {} : { authenticate: false }),
  });
  const status = exchange.response?.status ?? 0;
  const [scenario, expect]: [WriteCheck['scenario'], WriteCheck['expect']] = !r.authenticated
    ? ['no-auth', { statuses: [401], body: 'error' }]
    : values.includes(UNKNOWN_ID)
      ? ['unknown-id', { statuses: [404], body: 'error' }]
      : status >= 400 && status < 500
        ? ['negative', { statuses: [status], body: 'error' }]
        : ['recorded', { statuses: w.success, body: 'success' }];
  const text = exchange.response?.body ?? '';
  const parsed = text.trim() ? parseProviderJson(text) : undefined;
  plan.writes.push({
    scenario,
    write: w,
    exchange,
    expect,
    ...(r.body !== undefined ? { sent: r.body } : {}),
    ...(parsed?.ok ? { json: parsed.value } : parsed ? { jsonError: parsed.error } : {}),
    evidence: {},
  });
}
