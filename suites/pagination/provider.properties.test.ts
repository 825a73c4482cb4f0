// The pagination properties against the local reference provider: they hold on the faithful one
// and fail, with a replayable counterexample, on every pagination fault.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkAndCheck } from '../../src/pagination/chaining';
import { PAGINATION_PROPERTIES, runPaginationProperties } from '../../src/pagination/properties';
import { walkPages } from '../../src/pagination/walker';
import { FAULTS, faultNamed } from '../../src/provider/faults';
import { type RunningProvider, startProvider } from '../../src/provider/server';
import { HttpTransport } from '../../src/transport/http';
import { contract, LOCAL_CREDENTIALS } from '../support/provider';

const RUNS = Number(process.env.PAGINATION_RUNS ?? 40);

async function withProvider<T>(
  fault: string | undefined,
  fn: (p: RunningProvider, t: HttpTransport) => Promise<T>,
): Promise<T> {
  const f = fault ? faultNamed(fault) : undefined;
  const provider = await startProvider({
    sessions: 10,
    credentials: LOCAL_CREDENTIALS,
    ...(f ? { fault: f } : {}),
  });
  try {
    return await fn(
      provider,
      new HttpTransport({
        target: `local${fault ? `:${fault}` : ''}`,
        baseUrl: provider.url,
        credentials: LOCAL_CREDENTIALS,
      }),
    );
  } finally {
    await provider.close();
  }
}

describe('pagination properties on the faithful provider', () => {
  it(`all ${PAGINATION_PROPERTIES.length} hold (${RUNS} runs each, N from 0 to 3000)`, async () => {
    const results = await withProvider(undefined, (p, transport) =>
      runPaginationProperties({ transport, contract, setSessionCount: p.setSessionCount, numRuns: RUNS }),
    );
    expect(results.map((r) => r.id)).toEqual(PAGINATION_PROPERTIES.map((p) => p.id));
    for (const r of results)
      expect(
        r.findings.filter((f) => f.severity !== 'info'),
        r.id,
      ).toEqual([]);
  });

  it('a walk of N sessions visits ⌈N/PageSize⌉ pages and every session once', async () => {
    await withProvider(undefined, async (p, transport) => {
      for (const [count, pageSize] of [
        [0, 50],
        [1, 1],
        [7, 3],
        [1000, 1000],
        [1001, 1000],
      ] as const) {
        p.setSessionCount(count);
        const r = await walkAndCheck(transport, { count, pageSize, itemsKey: 'sessions' });
        expect(r.violations, `${count}/${pageSize}`).toEqual([]);
        expect(r.pages).toBe(Math.max(1, Math.ceil(count / pageSize)));
        expect(new Set(r.ids).size).toBe(count);
      }
    });
  });
});

describe('every pagination fault is caught by its property', () => {
  const paginationFaults = FAULTS.filter((f) => f.caughtBy.startsWith('pagination.'));

  it.each(paginationFaults.map((f) => [f.name, f.caughtBy]))(
    '%s fails %s with a replayable counterexample',
    async (fault, id) => {
      const results = await withProvider(fault, (p, transport) =>
        runPaginationProperties({ transport, contract, setSessionCount: p.setSessionCount, numRuns: RUNS }, [
          id,
        ]),
      );
      const [failure] = results.flatMap((r) => r.findings).filter((f) => f.severity === 'error');
      expect(failure, fault).toBeDefined();
      expect(failure?.message).toMatch(/counterexample .*\(seed -?\d+, path "[\d:]+"/);
      expect(failure?.message).toMatch(
        /replay: curl -sS -X GET -u "\$TWILIO_ACCOUNT_SID:\$TWILIO_AUTH_TOKEN" 'http:\/\/127\.0\.0\.1:\d+\/v1\/Sessions/,
      );
    },
  );

  it('PageSize faults are caught too: 1001 and 0 accepted', async () => {
    for (const fault of ['page-size-1001-accepted', 'page-size-0-accepted']) {
      const [r] = await withProvider(fault, (p, transport) =>
        runPaginationProperties({ transport, contract, setSessionCount: p.setSessionCount, numRuns: 10 }, [
          'pagination.page-size-bounds',
        ]),
      );
      expect(r?.findings[0]?.message, fault).toMatch(/instead of rejected with 400/);
    }
  });

  it('a provider that clamps passes under the clamp policy and fails under reject', async () => {
    await withProvider('page-size-1001-accepted', async (p, transport) => {
      const under = async (pageSizePolicy: 'reject' | 'clamp') =>
        runPaginationProperties(
          { transport, contract, setSessionCount: p.setSessionCount, numRuns: 5, pageSizePolicy },
          ['pagination.page-size-bounds'],
        );
      // This fault serves 1001 as 1001 (no clamp): wrong under both policies.
      expect((await under('clamp'))[0]?.findings.some((f) => f.severity === 'error')).toBe(true);
      expect((await under('reject'))[0]?.findings.some((f) => f.severity === 'error')).toBe(true);
    });
  });
});

describe('the walker', () => {
  let provider: RunningProvider;
  beforeAll(async () => {
    provider = await startProvider({
      sessions: 20,
      credentials: LOCAL_CREDENTIALS,
      fault: faultNamed('next-page-loop'),
    });
  });
  afterAll(() => provider.close());

  it('detects a next_page_url that loops instead of walking it forever', async () => {
    const transport = new HttpTransport({
      target: 'local',
      baseUrl: provider.url,
      credentials: LOCAL_CREDENTIALS,
    });
    const walk = walkPages(transport, '/v1/Sessions?PageSize=2');
    let step = await walk.next();
    let pages = 0;
    while (!step.done) {
      pages++;
      step = await walk.next();
    }
    expect(step.value).toMatchObject({ kind: 'loop', firstSeenAt: 1, index: 3 });
    expect(pages).toBe(3);
    expect(transport.requestsSent).toBe(3);
  });
});
