// Pagination invariants as fast-check properties, for every list operation, run through the
// transport so the same properties run against the local provider (dataset size under control) and
// live providers (size unknown: the metamorphic property finds lost items there). Bounds and invalid
// values come from the list's derived query schema. How a property runs and reports (its context,
// fast-check's verdict as findings with the seed, the path and a curl line to replay) is
// src/rules/pagination/property.ts.

import type * as FC from 'fast-check';
import { fastCheck } from '../../lazy';
import { DEFAULT_PAGE_SIZE, isPaged, pageView } from '../../model/twilio-conventions';
import { idSpace } from '../../model/value-space';
import { entryDifferences, errorBodyProblems, type PageSizeBounds, pageSizeBounds } from '../invariants';
import { plannedCount, walkCost } from './budget';
import { walkAndCheck } from './chaining';
import {
  base,
  check,
  fittedPageSizes,
  getJson,
  type PaginationRule,
  type PropertyContext,
  sized,
  withQuery,
} from './property';

export type {
  PageSizePolicy,
  PaginationRule,
  PropertyContext,
  PropertyOutcome,
} from './property';

const validPageSize = (b: PageSizeBounds, fc = fastCheck()) =>
  fc.oneof(
    fc.integer({ min: b.min, max: Math.min(b.max, b.min + 9) }),
    fc.integer({ min: b.min, max: b.max }),
    fc.constantFrom(b.min, b.default, b.max - 1, b.max),
  );
const invalidPageSize = (b: PageSizeBounds, fc = fastCheck()) =>
  fc.oneof(
    fc.integer({ min: b.min - 1000, max: b.min - 1 }).map(String),
    fc.integer({ min: b.max + 1, max: b.max + 1_000_000 }).map(String),
    fc
      .double({ min: b.min + 0.01, max: b.max - 0.01, noNaN: true })
      .filter((d) => !Number.isInteger(d))
      .map((d) => d.toFixed(2)),
    fc.constantFrom('abc', '', '1e3', ' 5', '0x10', 'NaN', '-0', `${b.default}.0`),
  );

export const pageSizeBoundsProperty: PaginationRule = {
  name: 'pagination.page-size-bounds',
  kind: 'pagination',
  asserts:
    "every PageSize within the query schema's bounds is echoed with at most that many items; any other value gets 400 with a Twilio error body",
  needs: "the list-query schema's PageSize bounds",
  appliesTo: (op) => isPaged(op) && pageSizeBounds(op) !== undefined,
  demand: (_op, _size, numRuns) => ({ need: numRuns + 8, floor: 8 }),
  run: (ctx) => {
    const fc = fastCheck();
    const b = pageSizeBounds(ctx.op) as PageSizeBounds;
    const key = ctx.op.itemsKey ?? '';
    const url = (value: string) => withQuery(ctx.listPath, { [b.name]: value });
    return check(
      'pagination.page-size-bounds',
      ctx,
      fc.oneof(
        validPageSize(b).map((n) => ({ valid: true, value: String(n) })),
        invalidPageSize(b).map((v) => ({ valid: false, value: v })),
      ),
      async ({ valid, value }) => {
        const { status, body } = await getJson(ctx, url(value));
        const paging = pageView(ctx.op, body);
        const echoed = paging.get('pageSize');
        const named = paging.label('pageSize');
        const items = Array.isArray(body?.[key]) ? (body?.[key] as unknown[]) : [];
        if (valid) {
          if (status !== 200) return `PageSize ${value} answered ${status}`;
          if (echoed !== Number(value))
            return `PageSize ${value} echoed as ${named} ${JSON.stringify(echoed)}`;
          if (items.length > Number(value)) return `PageSize ${value} returned ${items.length} items`;
          return undefined;
        }
        if (status === 400) {
          const problems = errorBodyProblems(ctx.contract, body, 400);
          return problems.length ? `PageSize ${JSON.stringify(value)} got 400 but ${problems[0]}` : undefined;
        }
        if (status === 200 && ctx.pageSizePolicy === 'clamp') {
          const n = Number(echoed);
          return n >= b.min && n <= b.max
            ? undefined
            : `PageSize ${JSON.stringify(value)} served with ${named} ${JSON.stringify(echoed)}`;
        }
        if (status === 200) {
          const clamped = typeof echoed === 'number' && echoed !== Number(value);
          return `PageSize ${JSON.stringify(value)} was ${clamped ? `clamped to ${echoed}` : 'accepted'} instead of rejected with 400 (policy: reject)`;
        }
        return `PageSize ${JSON.stringify(value)} answered ${status}, expected 400`;
      },
      ({ value }) => url(value),
      [
        ...[b.min, b.default, b.max].map((n) => ({ valid: true, value: String(n) })),
        ...[String(b.min - 1), String(b.max + 1), '-1', 'abc', '2.5'].map((value) => ({
          valid: false,
          value,
        })),
      ],
    );
  },
};

/**
 * A size to resize the list to, within what the list can hold: never more items than its id field
 * has distinct values (a list keyed by two-letter country codes holds at most 676).
 */
const within = (ctx: PropertyContext, n: number): number => Math.min(n, idSpace(ctx.op));

/** A chaining walk: the list's size (on a resizable provider) and the PageSize it is walked at. */
type WalkCase = { count?: number | undefined; pageSize: number };

/**
 * The walks a chaining run makes: with a resizable provider, N is generated too and PageSize kept
 * to at most ~25 pages a walk; elsewhere PageSize alone, from `low` (fitted to the budget) up.
 */
function walkArbitrary(
  ctx: PropertyContext,
  fixed: boolean,
  { min, max, low }: { min: number; max: number; low: number },
): FC.Arbitrary<WalkCase> {
  const fc = fastCheck();
  return ctx.setCount
    ? fc.integer({ min: 0, max: within(ctx, 1500) }).chain((count) =>
        fc.record({
          count: fc.constant(count),
          pageSize: fixed
            ? fc.constant(DEFAULT_PAGE_SIZE)
            : fc.integer({ min: Math.min(max, Math.max(min, Math.ceil(count / 25))), max }),
        }),
      )
    : fc.record({
        count: fc.constant(undefined),
        pageSize: fixed
          ? fc.constant(DEFAULT_PAGE_SIZE)
          : fc.oneof(fc.integer({ min: low, max: Math.min(max, low + 4) }), fc.integer({ min: low, max })),
      });
}

/**
 * The walks always tried first: on a resizable provider an empty list, pages of three and two, a
 * thousand items at the largest PageSize; elsewhere the fitted floor, or pages of two and the default.
 */
function walkExamples(
  ctx: PropertyContext,
  b: PageSizeBounds,
  { min, max, low }: { min: number; max: number; low: number },
  fitted: boolean,
): WalkCase[] {
  if (ctx.setCount)
    return [
      { count: 0, pageSize: b.default },
      { count: within(ctx, 10), pageSize: Math.max(min, 3) },
      { count: within(ctx, 6), pageSize: Math.max(min, 2) },
      { count: within(ctx, 1000), pageSize: max },
    ];
  return fitted ? [{ pageSize: low }] : [{ pageSize: Math.max(min, 2) }, { pageSize: b.default }];
}

export const chaining: PaginationRule = {
  name: 'pagination.chaining',
  kind: 'pagination',
  asserts:
    'following next_page_url terminates and yields every item exactly once, in full pages, with consistent meta (per-page invariants on every page a walk fetched, end-of-list ones where it reached the end)',
  needs: 'list operations (items key, id field, PageSize bounds)',
  appliesTo: (op) => isPaged(op),
  demand: (op, size, numRuns) => {
    const b = pageSizeBounds(op);
    const count = plannedCount(size);
    // The most thorough walk: the smallest PageSize, at most a hundred pages.
    const small = b ? Math.min(b.max, Math.max(b.min, Math.ceil(count / 100))) : DEFAULT_PAGE_SIZE;
    return {
      need: numRuns * walkCost(count, small),
      floor: walkCost(count, b ? b.max : DEFAULT_PAGE_SIZE),
    };
  },
  run: (ctx) => {
    const b = pageSizeBounds(ctx.op);
    const key = ctx.op.itemsKey ?? '';
    const idField = ctx.op.idField;
    const min = b?.min ?? 1;
    const max = b ? Math.min(b.max, 1000) : 1;
    const fixed = b === undefined;
    const fit = b ? fittedPageSizes(ctx, { ...b, max }, 1) : undefined;
    const low = fit?.floor ?? min;
    let cutShort = 0;
    let walks = 0;
    return check(
      'pagination.chaining',
      fit ? { ...ctx, numRuns: fit.runs } : ctx,
      walkArbitrary(ctx, fixed, { min, max, low }),
      async ({ count, pageSize }) => {
        if (count !== undefined) ctx.setCount?.(count);
        const r = await walkAndCheck(ctx.transport, {
          url: sized(ctx, pageSize),
          pageSize: fixed ? DEFAULT_PAGE_SIZE : pageSize,
          itemsKey: key,
          ...(ctx.op.envelope ? { envelope: ctx.op.envelope } : {}),
          idField,
          ...(count !== undefined ? { count } : {}),
        });
        walks++;
        if (r.cutShort) cutShort++;
        const [first] = r.violations;
        return first
          ? `${first.invariant}: ${first.message}${r.violations.length + r.omitted > 1 ? ` (+${r.violations.length + r.omitted - 1} more)` : ''}`
          : undefined;
      },
      ({ pageSize }) => sized(ctx, pageSize),
      b ? walkExamples(ctx, b, { min, max, low }, fit !== undefined) : [],
      () => [
        ...(fit?.note ? [fit.note] : []),
        ...(cutShort
          ? [
              `${cutShort} of ${walks} walks stopped at the budget before the last page: judged on the pages they fetched, end-of-list invariants on the others`,
            ]
          : []),
      ],
    );
  },
};

export const metamorphic: PaginationRule = {
  name: 'pagination.same-sequence',
  kind: 'pagination',
  asserts: 'walks of the same data at different PageSizes yield the same sequence of ids',
  needs: 'list operations with PageSize',
  appliesTo: (op) => isPaged(op) && pageSizeBounds(op) !== undefined,
  demand: (op, size, numRuns) => {
    const b = pageSizeBounds(op) as PageSizeBounds;
    const count = plannedCount(size);
    const max = Math.min(b.max, 1000);
    return {
      need:
        numRuns *
        (walkCost(count, Math.min(max, b.min + 12)) + walkCost(count, Math.ceil((b.min + max) / 2))),
      floor: 2 * walkCost(count, max),
    };
  },
  run: (ctx) => {
    const fc = fastCheck();
    const b = pageSizeBounds(ctx.op) as PageSizeBounds;
    const max = Math.min(b.max, 1000);
    const fit = fittedPageSizes(ctx, { ...b, max }, 2);
    const low = fit?.floor ?? b.min;
    const walk = (pageSize: number) =>
      walkAndCheck(ctx.transport, {
        url: sized(ctx, pageSize),
        pageSize,
        itemsKey: ctx.op.itemsKey ?? '',
        ...(ctx.op.envelope ? { envelope: ctx.op.envelope } : {}),
        idField: ctx.op.idField,
        checkPrevious: 0,
        // On the resizable provider the list holds 60 items: a walk needs no more pages than that.
        maxPages: ctx.setCount ? Math.ceil(60 / pageSize) + 3 : 400,
      });
    let cutShort = 0;
    return check(
      'pagination.same-sequence',
      fit ? { ...ctx, numRuns: fit.runs } : ctx,
      fc.record({
        a: fc.integer({ min: low, max: Math.min(max, low + 24) }),
        b: fc.integer({ min: low, max }),
      }),
      async ({ a, b: c }) => {
        ctx.setCount?.(within(ctx, 60));
        const x = await walk(a);
        const y = await walk(c);
        // A walk the budget cut short is a prefix of the list: the two agree as far as both went.
        const n =
          x.cutShort || y.cutShort
            ? Math.min(x.ids.length, y.ids.length)
            : Math.max(x.ids.length, y.ids.length);
        if (x.cutShort || y.cutShort) cutShort++;
        const xs = x.ids.slice(0, n);
        const ys = y.ids.slice(0, n);
        if (JSON.stringify(xs) === JSON.stringify(ys)) return undefined;
        const at = xs.findIndex((id, k) => ys[k] !== id);
        return `PageSize ${a} and ${c} disagree at position ${at === -1 ? xs.length : at}: ${xs[at] ?? 'end'} vs ${ys[at] ?? 'end'} (${x.ids.length} vs ${y.ids.length} items)`;
      },
      ({ a }) => sized(ctx, a),
      fit ? [{ a: low, b: max }] : [],
      () => [
        ...(fit?.note ? [fit.note] : []),
        ...(cutShort ? [`${cutShort} run(s) compared prefixes: a walk stopped at the budget`] : []),
      ],
    );
  },
};

export const pageTokenOpaque: PaginationRule = {
  name: 'pagination.page-token-opaque',
  kind: 'pagination',
  asserts: 'a tampered PageToken gets 400, never a wrong page',
  needs: 'list operations with PageToken',
  appliesTo: (op) => isPaged(op) && pageSizeBounds(op) !== undefined,
  demand: (_op, _size, numRuns) => ({ need: numRuns + 3, floor: 2 }),
  run: async (ctx) => {
    const fc = fastCheck();
    ctx.setCount?.(within(ctx, 10));
    const b = pageSizeBounds(ctx.op) as PageSizeBounds;
    const first = await getJson(ctx, sized(ctx, Math.max(b.min, 2)));
    const next = pageView(ctx.op, first.body).nextUrl(ctx.transport.baseUrl);
    let url: URL | undefined;
    try {
      url = next === undefined ? undefined : new URL(next);
    } catch {
      url = undefined;
    }
    const token = url?.searchParams.get('PageToken');
    if (!url || !token) {
      return {
        judged: 0,
        findings: [
          base('pagination.page-token-opaque', ctx, {
            severity: 'info',
            message: 'no next page with a PageToken to tamper with (fewer than 3 items?)',
          }),
        ],
      };
    }
    const from = url;
    const tampered = (p: { at: number; char: string }) => {
      const i = p.at % token.length;
      const swap = token[i] === p.char ? (p.char === 'A' ? 'B' : 'A') : p.char;
      const u = new URL(from);
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
        if (status === 400 && errorBodyProblems(ctx.contract, body, 400).length === 0) return undefined;
        return `a PageToken with one character changed answered ${status}${status === 200 ? ' with a page' : ''}, expected 400 with a Twilio error body`;
      },
      (p) => tampered(p),
      // Always tried: the first and the last character (a provider that skips the signature check serves the last).
      [
        { at: 0, char: 'Z' },
        { at: token.length - 1, char: 'A' },
      ],
    );
  },
};

export const fetchListAgreement: PaginationRule = {
  name: 'pagination.fetch-list-agreement',
  kind: 'pagination',
  asserts:
    'any listed item fetched by id equals its list entry (a fetch whose spec documents a redirect answers that redirect)',
  needs: 'a list whose items carry an id, and the fetch it pairs with',
  appliesTo: (op) => op.kind === 'list' && op.pairsWith !== undefined && op.idField !== undefined,
  demand: (_op, _size, numRuns) => ({ need: numRuns + 1, floor: 2 }),
  run: async (ctx) => {
    const fc = fastCheck();
    const key = ctx.op.itemsKey ?? '';
    const idField = ctx.op.idField ?? '';
    const fetchPathFor = ctx.fetchPathFor;
    ctx.setCount?.(within(ctx, 25));
    const b = pageSizeBounds(ctx.op);
    const page = await getJson(ctx, sized(ctx, Math.min(25, b?.max ?? 25)));
    const items = (Array.isArray(page.body?.[key]) ? page.body?.[key] : []) as Array<Record<string, unknown>>;
    if (items.length === 0 || !fetchPathFor) return { judged: 0, findings: [] };
    const idOf = (k: number) => String(items[k]?.[idField]);
    return check(
      'pagination.fetch-list-agreement',
      ctx,
      fc.nat({ max: items.length - 1 }),
      async (k) => {
        const { status, raw } = await getJson(ctx, fetchPathFor(idOf(k)));
        const want = ctx.fetchStatus ?? 200;
        if (status !== want)
          return `fetching listed item ${idOf(k)} answered ${status}${want === 200 ? '' : `, expected ${want}`}`;
        // A redirect says where the item is, not what it holds: answering it is the agreement.
        if (want >= 300) return undefined;
        const diff = entryDifferences(items[k], raw);
        return diff.length === 0
          ? undefined
          : `fetched ${idOf(k)} differs from its list entry at ${diff.map((d) => d.field || '(root)').join(', ')}`;
      },
      (k) => fetchPathFor(idOf(k)),
    );
  },
};

export const PAGINATION_RULES: readonly PaginationRule[] = [
  pageSizeBoundsProperty,
  chaining,
  metamorphic,
  pageTokenOpaque,
  fetchListAgreement,
];
