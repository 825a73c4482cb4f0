// The pagination properties, on every list: they hold on the faithful provider, and each pagination
// fault, switched on for lists of different resources (nested ones and Chunks, which has no Page),
// is caught with a shrunk, replayable counterexample.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillPath, type Operation } from '../../src/model/operation';
import { selectRules } from '../../src/report/rules';
import { walkAndCheck } from '../../src/rules/pagination/chaining';
import { walkPages } from '../../src/rules/pagination/walker';
import { runJob } from '../../src/run/job';
import { activeFault, type RunningProvider, startProvider } from '../../src/targets/targets';
import { HttpTransport } from '../../src/transport/http';
import { contract, LOCAL_CREDENTIALS } from '../support/provider';

const op = (id: string) => contract.operations.find((o) => o.id === id) as Operation;

/** The findings of one pagination rule, run on one list with a fault switched on. */
async function properties(fault: string, rule: string, list: string, runs = 10) {
  const [run] = await runJob({
    target: 'local',
    contract,
    recordingsDir: '',
    readOnly: true,
    items: 10,
    fault,
    operations: [list],
    rules: selectRules([rule]),
    paginationRuns: runs,
    paginationSeed: 20261125,
  });
  return run?.findings.filter((f) => f.rule === rule) ?? [];
}

describe('every pagination fault is caught by its property, on lists of several resources', () => {
  it.each([
    ['duplicate-across-pages@ListMessages', 'pagination.chaining'],
    ['lost-across-pages@ListKnowledgeChunks', 'pagination.chaining'],
    ['lost-across-pages@ListPolicies', 'pagination.same-sequence'],
    ['next-page-loop@ListToolsByAssistant', 'pagination.chaining'],
    ['next-on-last-page@ListFeedback', 'pagination.chaining'],
    ['page-counter-stuck@ListKnowledgeByAssistant', 'pagination.chaining'],
    ['first-page-url-changes@ListAssistants', 'pagination.chaining'],
    ['previous-url-wrong@ListTools', 'pagination.chaining'],
    ['last-page-500@ListKnowledge', 'pagination.chaining'],
    ['tampered-token-accepted@ListMessages', 'pagination.page-token-opaque'],
    ['page-size-above-max-accepted@ListKnowledgeChunks', 'pagination.page-size-bounds'],
    ['page-size-below-min-accepted@ListSessions', 'pagination.page-size-bounds'],
    ['items-beyond-page-size@ListFeedback', 'pagination.page-size-bounds'],
    ['fetch-list-mismatch@FetchTool', 'pagination.fetch-list-agreement'],
  ])('%s fails %s with a replayable counterexample', async (fault, rule) => {
    const operationId = fault.split('@')[1] as string;
    const listId = op(operationId).kind === 'list' ? operationId : (op(operationId).pairsWith as string);
    const found = await properties(fault, rule, listId);
    const [failure] = found.filter((f) => f.severity === 'error');
    expect(failure, fault).toBeDefined();
    expect(failure?.category).toBe('contract');
    expect(failure?.operation).toBe(`GET ${op(listId).path}`);
    expect(failure?.message).toMatch(/counterexample .*\(seed -?\d+, path "[\d:]*"/);
    expect(failure?.message).toMatch(
      /replay: curl -sS -X GET -u "\$TWILIO_ACCOUNT_SID:\$TWILIO_AUTH_TOKEN" 'http:\/\/127\.0\.0\.1:\d+\/v1\//,
    );
  });

  it('a provider that clamps is wrong under the reject policy (the default)', async () => {
    const findings = await properties(
      'page-size-above-max-accepted@ListSessions',
      'pagination.page-size-bounds',
      'ListSessions',
      5,
    );
    expect(findings.find((f) => f.severity === 'error')?.message).toMatch(/instead of rejected with 400/);
  });
});

describe('walks', () => {
  let provider: RunningProvider;
  let transport: HttpTransport;
  beforeAll(async () => {
    provider = await startProvider({
      contract,
      items: 20,
      credentials: LOCAL_CREDENTIALS,
      fault: activeFault('next-page-loop@ListSessions', contract),
    });
    transport = new HttpTransport({ target: 'local', baseUrl: provider.url, credentials: LOCAL_CREDENTIALS });
  });
  afterAll(() => provider.close());

  it('the walker detects a next_page_url that loops instead of walking it forever', async () => {
    const before = transport.requestsSent;
    const walk = walkPages(transport, `${op('ListSessions').path}?PageSize=2`);
    let step = await walk.next();
    let pages = 0;
    while (!step.done) {
      pages++;
      step = await walk.next();
    }
    expect(step.value).toMatchObject({ kind: 'loop', firstSeenAt: 1, index: 3 });
    expect(pages).toBe(3);
    expect(transport.requestsSent - before).toBe(3);
  });

  it('a walk of N items visits ⌈N/PageSize⌉ pages and every item once, on a nested list too', async () => {
    const messages = op('ListMessages');
    const sessions = JSON.parse(
      (await transport.get(`${op('ListSessions').path}?PageSize=5`)).response?.body ?? '{}',
    );
    for (const [count, pageSize] of [
      [0, 50],
      [1, 1],
      [7, 3],
      [1000, 1000],
      [1001, 1000],
    ] as const) {
      provider.setCount('ListMessages', count);
      const url = `${fillPath(messages.path, { sessionId: sessions.sessions[1].id })}?PageSize=${pageSize}`;
      const r = await walkAndCheck(transport, { url, count, pageSize, itemsKey: 'messages', idField: 'id' });
      expect(r.violations, `${count}/${pageSize}`).toEqual([]);
      expect(r.pages).toBe(Math.max(1, Math.ceil(count / pageSize)));
      expect(new Set(r.ids).size).toBe(count);
    }
    provider.resetCounts();
  });
});
