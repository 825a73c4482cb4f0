import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry';
import { FAULTS } from '../../src/provider/faults';
import { runAgainstProvider } from '../support/provider';

describe('the faithful reference provider', () => {
  it('passes every check, with no error finding', async () => {
    const run = await runAgainstProvider();
    expect(run.findings.filter((f) => f.severity === 'error')).toEqual([]);
    for (const check of CHECKS) {
      const outcomes = run.results.filter((r) => r.check === check.id).map((r) => r.outcome);
      expect(outcomes, check.id).not.toContain('failed');
      expect(outcomes, `${check.id} ran`).toContain('passed');
    }
  });

  it('shows the docs/spec assistant_id disagreement as a warning naming both sources', async () => {
    const run = await runAgainstProvider();
    const w = run.findings.find((f) => f.check === 'response.schema' && f.pointer === '/assistant_id');
    expect(w?.severity).toBe('warning');
    expect(w?.message).toMatch(/per the docs table, but satisfies the openapi spec/);
  });
});

describe('every check fails on the fault it exists for', () => {
  it('each check is the target of at least one fault', () => {
    for (const check of CHECKS.filter((c) => c.id !== 'response.undocumented-fields')) {
      expect(
        FAULTS.map((f) => f.caughtBy),
        check.id,
      ).toContain(check.id);
    }
  });

  // Pagination faults are caught by the properties: suites/pagination.
  const checkFaults = FAULTS.filter((f) => CHECKS.some((c) => c.id === f.caughtBy));
  it.each(checkFaults.map((f) => [f.name, f.caughtBy]))('%s is caught by %s', async (fault, check) => {
    const run = await runAgainstProvider(fault);
    const caught = run.findings.filter((f) => f.check === check && f.severity === 'error');
    expect(caught.length, `${check} on ${fault}`).toBeGreaterThan(0);
    for (const f of caught) {
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.request?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/Sessions/);
    }
    expect(run.results.find((r) => r.check === check && r.outcome === 'failed')).toBeDefined();
  });
});

describe('response.undocumented-fields (warning only: new fields are not breaking)', () => {
  it('warns about a field no source documents, in a session and in meta', async () => {
    const { undocumentedFields } = await import('../../src/checks/response-checks');
    const { contract } = await import('../support/provider');
    const exchange = {
      request: { method: 'GET', url: 'http://127.0.0.1:1/v1/Sessions', authenticated: true },
      response: { status: 200, headers: {}, body: '' },
      attempts: 1,
      durationMs: 1,
    };
    const json = { sessions: [{ id: 'sess_1', colour: 'red' }], meta: { key: 'sessions', cursor: 'x' } };
    const found = undocumentedFields.run(
      {
        scenario: 'list-default',
        operation: 'GET /v1/Sessions',
        expect: { status: 200, body: 'list' },
        exchange,
        json,
      },
      contract,
    );
    expect(found.map((f) => [f.severity, f.pointer, f.actual])).toEqual([
      ['warning', '/sessions/0/colour', 'colour'],
      ['warning', '/meta/cursor', 'meta.cursor'],
    ]);
  });
});
