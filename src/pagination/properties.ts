// Pagination invariants as fast-check properties, run through the transport so the same properties
// run against the local provider (dataset size under control) and live providers (size unknown:
// the metamorphic property finds lost items there). Each failure becomes a finding with the seed,
// the path and the shrunk counterexample as a curl line to replay.

import fc from 'fast-check';
import type { Contract } from '../contract/contract';
import type { Finding } from '../findings';
import { curlFor } from '../report/curl';
import { type HttpTransport, isRunLimit, RunLimitError } from '../transport/http';
import { walkAndCheck } from './chaining';

export type PageSizePolicy = 'reject' | 'clamp';

export interface PropertyContext {
  transport: HttpTransport;
  contract: Contract;
  /** Only the local provider can be resized; elsewhere N is whatever the account holds. */
  setSessionCount?: (n: number) => void;
  numRuns: number;
  seed?: number;
  pageSizePolicy?: PageSizePolicy;
}

/** What a property found, and how many of its runs could be judged at all. */
export interface PropertyOutcome {
  findings: Finding[];
  judged: number;
}

export interface PaginationProperty {
  id: string;
  description: string;
  run(ctx: PropertyContext): Promise<PropertyOutcome>;
}

/** fast-check's verdict as findings: one per failing property, with what is needed to replay it. */
async function check<T>(
  id: string,
  ctx: PropertyContext,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<string | undefined>,
  replay: (value: T) => string,
  /** Run first, every time: the boundaries are never left to chance. */
  examples: T[] = [],
): Promise<PropertyOutcome> {
  let failure: { value: T; message: string } | undefined;
  let judged = 0;
  let unjudged = 0;
  let why = '';
  const property = fc.asyncProperty(arbitrary, async (value) => {
    let message: string | undefined;
    try {
      message = await predicate(value);
      judged++;
    } catch (error) {
      if (!(error instanceof RunLimitError)) throw error;
      // Cannot judge (budget, deadline, no recording): neither a pass nor a failure; reported below.
      unjudged++;
      why = error.message;
      return true;
    }
    if (message) failure = { value, message };
    return message === undefined;
  });
  const details = await fc.check(property, {
    numRuns: ctx.numRuns,
    examples: examples.map((e) => [e] as [T]),
    ...(ctx.seed !== undefined ? { seed: ctx.seed } : {}),
  });
  const operation = ctx.contract.operation('list');
  const findings: Finding[] = [];
  if (details.failed && details.counterexample) {
    const [value] = details.counterexample;
    // fast-check's last failing run is the shrunk counterexample: its message is the one kept.
    const message = failure?.message ?? 'failed';
    const url = new URL(replay(value), `${ctx.transport.baseUrl}/`).toString();
    findings.push({
      check: id,
      severity: 'error',
      operation,
      request: { method: 'GET', url },
      actual: value as unknown,
      message: `${message} — counterexample ${JSON.stringify(value)} (seed ${details.seed}, path "${details.counterexamplePath}", ${details.numRuns} runs, ${details.numShrinks} shrinks); replay: ${curlFor({ method: 'GET', url })}`,
    });
  } else if (details.failed) {
    findings.push({
      check: id,
      severity: 'error',
      operation,
      message: `property errored: ${String(details.errorInstance ?? 'unknown')} (seed ${details.seed})`,
    });
  }
  if (unjudged > 0) {
    findings.push({
      check: id,
      severity: 'info',
      operation,
      message: `${unjudged} of ${judged + unjudged} runs could not be judged: ${why}`,
    });
  }
  return { findings, judged };
}

const guard = (ctx: PropertyContext) => {
  if (ctx.transport.requestsSent >= ctx.transport.budget)
    throw new RunLimitError(`request budget of ${ctx.transport.budget} used up`);
};

async function getJson(ctx: PropertyContext, url: string) {
  guard(ctx);
  const exchange = await ctx.transport.get(url);
  if (isRunLimit(exchange)) throw new RunLimitError(exchange.error?.message ?? 'run limit');
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(exchange.response?.body ?? '') as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  return { status: exchange.response?.status, body, error: exchange.error?.message };
}

const isTwilioError = (body: Record<string, unknown> | undefined, status: number) =>
  !!body && Number.isInteger(body.code) && typeof body.message === 'string' && body.status === status;

const validPageSize = fc.oneof(
  fc.integer({ min: 1, max: 10 }),
  fc.integer({ min: 1, max: 1000 }),
  fc.constantFrom(1, 50, 999, 1000),
);
const invalidPageSize = fc.oneof(
  fc.integer({ min: -1000, max: 0 }).map(String),
  fc.integer({ min: 1001, max: 1_000_000 }).map(String),
  fc
    .double({ min: 1.01, max: 999.99, noNaN: true })
    .filter((d) => !Number.isInteger(d))
    .map((d) => d.toFixed(2)),
  fc.constantFrom('abc', '', '1e3', ' 5', '0x10', 'NaN', '-0', '50.0'),
);

export const pageSizeBounds: PaginationProperty = {
  id: 'pagination.page-size-bounds',
  description:
    'every PageSize in 1–1000 is echoed with at most that many items; any other gets 400 with a Twilio error body',
  run: (ctx) => {
    const key = ctx.contract.itemsKey;
    return check(
      'pagination.page-size-bounds',
      ctx,
      fc.oneof(
        validPageSize.map((n) => ({ valid: true, value: String(n) })),
        invalidPageSize.map((v) => ({ valid: false, value: v })),
      ),
      async ({ valid, value }) => {
        const { status, body } = await getJson(ctx, `/v1/Sessions?PageSize=${encodeURIComponent(value)}`);
        const meta = (body?.meta ?? {}) as Record<string, unknown>;
        const items = Array.isArray(body?.[key]) ? (body?.[key] as unknown[]) : [];
        if (valid) {
          if (status !== 200) return `PageSize ${value} answered ${status}`;
          if (meta.page_size !== Number(value))
            return `PageSize ${value} echoed as meta.page_size ${JSON.stringify(meta.page_size)}`;
          if (items.length > Number(value)) return `PageSize ${value} returned ${items.length} items`;
          return undefined;
        }
        if (status === 400)
          return isTwilioError(body, 400)
            ? undefined
            : `PageSize ${JSON.stringify(value)} got 400 without a Twilio error body`;
        if (status === 200 && ctx.pageSizePolicy === 'clamp') {
          const n = Number(meta.page_size);
          return n >= 1 && n <= 1000
            ? undefined
            : `PageSize ${JSON.stringify(value)} served with meta.page_size ${JSON.stringify(meta.page_size)}`;
        }
        if (status === 200) {
          const clamped = typeof meta.page_size === 'number' && meta.page_size !== Number(value);
          return `PageSize ${JSON.stringify(value)} was ${clamped ? `clamped to ${meta.page_size}` : 'accepted'} instead of rejected with 400 (policy: reject)`;
        }
        return `PageSize ${JSON.stringify(value)} answered ${status}, expected 400`;
      },
      ({ value }) => `/v1/Sessions?PageSize=${encodeURIComponent(value)}`,
      [
        ...['1', '50', '1000'].map((value) => ({ valid: true, value })),
        ...['0', '1001', '-1', 'abc', '2.5'].map((value) => ({ valid: false, value })),
      ],
    );
  },
};

export const chaining: PaginationProperty = {
  id: 'pagination.chaining',
  description:
    'following next_page_url terminates and yields every session exactly once, in full pages, with consistent meta',
  run: (ctx) => {
    const key = ctx.contract.itemsKey;
    // With a resizable provider, N is generated too; PageSize is kept to at most ~60 pages a walk.
    const arbitrary: fc.Arbitrary<{ count?: number | undefined; pageSize: number }> = ctx.setSessionCount
      ? fc.integer({ min: 0, max: 3000 }).chain((count) =>
          fc.record({
            count: fc.constant(count),
            pageSize: fc.integer({ min: Math.max(1, Math.ceil(count / 60)), max: 1000 }),
          }),
        )
      : fc.record({
          count: fc.constant(undefined),
          pageSize: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 1000 })),
        });
    return check(
      'pagination.chaining',
      ctx,
      arbitrary,
      async ({ count, pageSize }) => {
        guard(ctx);
        if (count !== undefined) ctx.setSessionCount?.(count);
        const r = await walkAndCheck(ctx.transport, {
          pageSize,
          itemsKey: key,
          ...(count !== undefined ? { count } : {}),
        });
        const [first] = r.violations;
        return first
          ? `${first.invariant}: ${first.message}${r.violations.length > 1 ? ` (+${r.violations.length - 1} more)` : ''}`
          : undefined;
      },
      ({ pageSize }) => `/v1/Sessions?PageSize=${pageSize}`,
      ctx.setSessionCount
        ? [
            { count: 0, pageSize: 50 },
            { count: 10, pageSize: 3 },
            { count: 6, pageSize: 2 },
            { count: 1000, pageSize: 1000 },
          ]
        : [{ pageSize: 2 }, { pageSize: 50 }],
    );
  },
};

export const metamorphic: PaginationProperty = {
  id: 'pagination.same-sequence',
  description: 'walks of the same data at different PageSizes yield the same sequence of ids',
  run: (ctx) => {
    const key = ctx.contract.itemsKey;
    return check(
      'pagination.same-sequence',
      ctx,
      fc.record({ a: fc.integer({ min: 1, max: 25 }), b: fc.integer({ min: 1, max: 1000 }) }),
      async ({ a, b }) => {
        ctx.setSessionCount?.(60);
        const x = await walkAndCheck(ctx.transport, {
          pageSize: a,
          itemsKey: key,
          checkPrevious: 0,
          maxPages: 400,
        });
        const y = await walkAndCheck(ctx.transport, {
          pageSize: b,
          itemsKey: key,
          checkPrevious: 0,
          maxPages: 400,
        });
        if (JSON.stringify(x.ids) === JSON.stringify(y.ids)) return undefined;
        const at = x.ids.findIndex((id, k) => y.ids[k] !== id);
        return `PageSize ${a} and ${b} disagree at position ${at === -1 ? x.ids.length : at}: ${x.ids[at] ?? 'end'} vs ${y.ids[at] ?? 'end'} (${x.ids.length} vs ${y.ids.length} sessions)`;
      },
      ({ a }) => `/v1/Sessions?PageSize=${a}`,
    );
  },
};

export const pageTokenOpaque: PaginationProperty = {
  id: 'pagination.page-token-opaque',
  description: 'a tampered PageToken gets 400, never a wrong page',
  run: async (ctx) => {
    ctx.setSessionCount?.(10);
    const first = await getJson(ctx, '/v1/Sessions?PageSize=2');
    const next = (first.body?.meta as Record<string, unknown> | undefined)?.next_page_url;
    if (
      typeof next !== 'string' ||
      !new URL(next, `${ctx.transport.baseUrl}/`).searchParams.get('PageToken')
    ) {
      return {
        judged: 0,
        findings: [
          {
            check: 'pagination.page-token-opaque',
            severity: 'info',
            operation: ctx.contract.operation('list'),
            message: 'no next page with a PageToken to tamper with (fewer than 3 sessions?)',
          },
        ],
      };
    }
    const url = new URL(next, `${ctx.transport.baseUrl}/`);
    const token = url.searchParams.get('PageToken') as string;
    const tampered = (p: { at: number; char: string }) => {
      const i = p.at % token.length;
      const swap = token[i] === p.char ? (p.char === 'A' ? 'B' : 'A') : p.char;
      const u = new URL(url);
      u.searchParams.set('PageToken', token.slice(0, i) + swap + token.slice(i + 1));
      return u.toString();
    };
    return check(
      'pagination.page-token-opaque',
      ctx,
      fc.record({
        at: fc.nat({ max: 1000 }),
        char: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
      }),
      async (p) => {
        const { status, body } = await getJson(ctx, tampered(p));
        if (status === 400 && isTwilioError(body, 400)) return undefined;
        return `a PageToken with one character changed answered ${status}${status === 200 ? ' with a page' : ''}, expected 400 with a Twilio error body`;
      },
      (p) => tampered(p),
    );
  },
};

export const fetchListAgreement: PaginationProperty = {
  id: 'pagination.fetch-list-agreement',
  description: 'each listed session fetched by id equals its list entry',
  run: async (ctx) => {
    const key = ctx.contract.itemsKey;
    ctx.setSessionCount?.(25);
    const page = await getJson(ctx, '/v1/Sessions?PageSize=25');
    const items = (Array.isArray(page.body?.[key]) ? page.body?.[key] : []) as Array<Record<string, unknown>>;
    if (items.length === 0) return { judged: 0, findings: [] };
    const fetchPath = ctx.contract.primary.fetchPath;
    return check(
      'pagination.fetch-list-agreement',
      ctx,
      fc.nat({ max: items.length - 1 }),
      async (k) => {
        const entry = items[k] as Record<string, unknown>;
        const { status, body } = await getJson(
          ctx,
          fetchPath.replace(/\{[^}]+\}/, encodeURIComponent(String(entry.id))),
        );
        if (status !== 200) return `fetching listed session ${String(entry.id)} answered ${status}`;
        return JSON.stringify(body) === JSON.stringify(entry)
          ? undefined
          : `fetched ${String(entry.id)} differs from its list entry`;
      },
      (k) => fetchPath.replace(/\{[^}]+\}/, encodeURIComponent(String(items[k]?.id))),
    );
  },
};

export const PAGINATION_PROPERTIES: readonly PaginationProperty[] = [
  pageSizeBounds,
  chaining,
  metamorphic,
  pageTokenOpaque,
  fetchListAgreement,
];

export async function runPaginationProperties(
  ctx: PropertyContext,
  only?: readonly string[],
): Promise<Array<{ id: string; findings: Finding[]; requests: number; judged: number }>> {
  const selected = PAGINATION_PROPERTIES.filter((p) => !only?.length || only.includes(p.id));
  const share = Number.isFinite(ctx.transport.budget)
    ? Math.floor(ctx.transport.budget / selected.length)
    : Number.POSITIVE_INFINITY;
  const out: Array<{ id: string; findings: Finding[]; requests: number; judged: number }> = [];
  for (const p of selected) {
    const transport = ctx.transport.withBudget(share);
    let outcome: PropertyOutcome;
    try {
      outcome = await p.run({ ...ctx, transport });
    } catch (error) {
      if (!(error instanceof RunLimitError)) throw error;
      outcome = {
        judged: 0,
        findings: [
          {
            check: p.id,
            severity: 'info',
            operation: ctx.contract.operation('list'),
            message: `not run: ${error.message}`,
          },
        ],
      };
    }
    out.push({
      id: p.id,
      findings: outcome.findings,
      requests: transport.requestsSent,
      judged: outcome.judged,
    });
  }
  return out;
}
