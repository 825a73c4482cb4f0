// Walks that fit the budget: on a live target (bounded budgets, a list of unknown size) every
// pagination fault is caught on a large list and on a nested one, within --budget +
// --pagination-budget, with no false alarm; and the split itself, unit by unit.

import { afterAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../../src/provider/faults';
import { selectRules } from '../../src/report/rules';
import { fitWalks, splitBudget, walkCost } from '../../src/rules/pagination/budget';
import { KEPT_PER_INVARIANT, walkAndCheck } from '../../src/rules/pagination/chaining';
import { runJob } from '../../src/run/job';
import { DEFAULT_LIVE_BUDGET, DEFAULT_PAGINATION_BUDGET } from '../../src/targets/kinds';
import { activeFault, type RunningProvider, startProvider } from '../../src/targets/targets';
import { HttpTransport } from '../../src/transport/http';
import { contract } from '../support/provider';

const creds = { username: `AC${'0123456789abcdef'.repeat(2)}`, password: 'budget-test-token' };
const started: RunningProvider[] = [];
afterAll(() => Promise.all(started.map((p) => p.close())));

/** A live run, default budgets, against a provider holding `items` items per top-level list. */
async function live(items: number, fault?: string) {
  const provider = await startProvider({
    contract,
    items,
    seed: 3,
    credentials: creds,
    ...(fault ? { fault: activeFault(fault, contract) } : {}),
  });
  started.push(provider);
  const [run] = await runJob({
    target: 'live',
    contract,
    baseUrl: provider.url,
    recordingsDir: '',
    env: { TWILIO_ACCOUNT_SID: creds.username, TWILIO_AUTH_TOKEN: creds.password },
    operations: ['ListSessions', 'ListMessages'],
    rules: selectRules(['pagination']),
    concurrency: 4,
    timeoutMs: 5000,
  });
  await provider.close();
  if (!run) throw new Error('no run');
  return run;
}

const paginationFaults = FAULTS.filter((f) => f.caughtBy.startsWith('pagination.')).map((f) => f.name);

describe('pagination walks fit the budget at any list size (live, default budgets)', () => {
  it('137 sessions: the faithful provider raises nothing, every pair is judged, within the budgets', async () => {
    const run = await live(137);
    expect(run.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(run.results.filter((r) => r.outcome === 'not-run')).toEqual([]);
    expect(run.requests + run.paginationRequests).toBeLessThanOrEqual(
      DEFAULT_LIVE_BUDGET + DEFAULT_PAGINATION_BUDGET,
    );
    // The split is stated: every property's share and use.
    const chaining = run.results.find(
      (r) => r.rule === 'pagination.chaining' && r.operation === 'GET /v1/Sessions',
    );
    expect(chaining?.budget).toBeGreaterThan(0);
    expect(chaining?.requests).toBeLessThanOrEqual(chaining?.budget ?? 0);
    expect(run.findings.some((f) => /137 items \(a probe at PageSize 1000\)/.test(f.message))).toBe(true);
  });

  it.each(paginationFaults.flatMap((f) => [`${f}@ListSessions`, `${f}@ListMessages`]))(
    '137 sessions: %s is caught',
    async (fault) => {
      const run = await live(137, fault);
      const errors = run.findings.filter((f) => f.severity === 'error' && f.rule.startsWith('pagination.'));
      expect(errors.length, fault).toBeGreaterThan(0);
      expect(run.requests + run.paginationRequests).toBeLessThanOrEqual(
        DEFAULT_LIVE_BUDGET + DEFAULT_PAGINATION_BUDGET,
      );
    },
  );

  it('5,000 sessions: a 500 on the last page is caught, within the budgets', async () => {
    for (const fault of ['last-page-500@ListSessions']) {
      const run = await live(5000, fault);
      expect(
        run.findings.some((f) => f.severity === 'error' && f.rule === 'pagination.chaining'),
        fault,
      ).toBe(true);
      expect(run.requests + run.paginationRequests).toBeLessThanOrEqual(
        DEFAULT_LIVE_BUDGET + DEFAULT_PAGINATION_BUDGET,
      );
    }
  });
});

describe('a walk the budget cuts short is judged on every page it fetched', () => {
  it.each([
    ['page-counter-stuck@ListSessions', 'page-counter'],
    ['duplicate-across-pages@ListSessions', 'no-duplicate'],
    ['first-page-url-changes@ListSessions', 'first-page-url-stable'],
  ])('%s: found on the pages seen, though the walk never reached the end', async (fault, invariant) => {
    const provider = await startProvider({
      contract,
      items: 500,
      seed: 3,
      credentials: creds,
      fault: activeFault(fault, contract),
    });
    started.push(provider);
    const transport = new HttpTransport({
      target: 'live',
      baseUrl: provider.url,
      credentials: creds,
      budget: 4,
    });
    const r = await walkAndCheck(transport, {
      url: '/v1/Sessions?PageSize=5',
      pageSize: 5,
      itemsKey: 'sessions',
      idField: 'id',
      checkPrevious: 0,
    });
    await provider.close();
    expect(r.cutShort).toMatch(/budget/);
    expect(r.pages).toBe(4);
    expect(r.violations.map((v) => v.invariant)).toContain(invariant);
  });
});

describe('violations are counted, not all listed', () => {
  it('one page of 1,000 identical items: at most KEPT_PER_INVARIANT no-duplicate violations kept, the rest counted', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}${req.url}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          things: Array(1000).fill({ id: 'same' }),
          meta: {
            key: 'things',
            page: 0,
            page_size: 1000,
            url,
            first_page_url: url,
            next_page_url: null,
            previous_page_url: null,
          },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const transport = new HttpTransport({
        target: 'live',
        baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        credentials: creds,
      });
      const r = await walkAndCheck(transport, {
        url: '/v1/Things?PageSize=1000',
        pageSize: 1000,
        itemsKey: 'things',
        idField: 'id',
      });
      const dups = r.violations.filter((v) => v.invariant === 'no-duplicate');
      expect(dups).toHaveLength(KEPT_PER_INVARIANT);
      expect(r.omitted).toBe(999 - KEPT_PER_INVARIANT);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('the split', () => {
  it('water-fills: floors first, then even shares, none beyond its need; what one leaves flows to the others', () => {
    const split = splitBudget(
      [
        { key: 'small', need: 10, floor: 2 },
        { key: 'large', need: 1000, floor: 5 },
        { key: 'mid', need: 100, floor: 5 },
      ],
      300,
    );
    expect(split.get('small')).toBe(10);
    expect(split.get('mid')).toBe(100);
    expect(split.get('large')).toBe(190);
    expect([...split.values()].reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('a walk is sized to reach the end of the list within its share', () => {
    const fit = fitWalks(137, 40, 2, { min: 1, max: 1000 });
    expect(fit.runs).toBe(2);
    expect(walkCost(137, fit.floor)).toBeLessThanOrEqual(20);
    // Not even one walk fits: one walk at the largest PageSize, judged on the pages it sees.
    expect(fitWalks(1_000_000, 10, 3, { min: 1, max: 1000 })).toEqual({ runs: 1, floor: 1000 });
  });
});
