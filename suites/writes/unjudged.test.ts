// A write that went unjudged says what would judge it: a run that writes, and where the provider refused
// what the run needed, the rule that quotes it. No `--id` advice for a write (it names no item to read).
// A write a run never sends is named with its reason, one line each under a heading.

import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../src/report/finish';
import { type Coverage, coverageOf, unjudgedLine } from '../../src/run/coverage';
import type { RunResult } from '../../src/run/results';
import { contract } from '../support/provider';

const run = (operations: string[]): RunResult => ({
  target: 'live',
  observations: [],
  findings: [],
  requests: 0,
  paginationRequests: 0,
  durationMs: 0,
  results: operations.map((operation) => ({
    rule: 'write.status',
    operation,
    outcome: 'not-run',
    findings: [],
    reason: 'the run sent no such write',
  })),
});

describe('NOT JUDGED for writes', () => {
  it('names the writes remedy, not --id', () => {
    const c = coverageOf([run(['POST /v1/Tools', 'DELETE /v1/Tools/{id}'])], contract.operations);
    const line = unjudgedLine(c);
    expect(line).toMatch(/^NOT JUDGED: 2 operation\(s\)/);
    expect(line).toMatch(/for the writes: run on a disposable account with --writes <AccountSid>/);
    expect(line).toMatch(/write\.arrange-refused/);
    expect(line).not.toMatch(/--id/);
  });

  it('keeps --id for a read with a path parameter, beside the writes remedy', () => {
    const line = unjudgedLine(
      coverageOf([run(['GET /v1/Tools/{id}', 'PUT /v1/Tools/{id}'])], contract.operations),
    );
    expect(line).toMatch(/--id FetchTool=VALUE/);
    expect(line).toMatch(/--writes <AccountSid>/);
  });
});

describe('NOT SENT: the writes a run never sends', () => {
  const coverage = (judged: number): Coverage => ({
    judged,
    notRun: 0,
    operations: judged + 2,
    unjudged: [],
    notSent: [
      { operation: 'POST /v1/Configuration', reason: 'not sent: an account-wide configuration', write: true },
      { operation: 'POST /v1/Credentials', reason: 'not sent: it could never be removed', write: true },
    ],
  });

  it('a heading line, then one indented line per write: the operation and why', () => {
    expect(verdictOf([], coverage(3), false).lines).toEqual([
      'PASSED: 3/5 operations judged, 2 write(s) never sent, no blocking error',
      'NOT SENT: 2 write(s) a run never sends:',
      '  POST /v1/Configuration: an account-wide configuration',
      '  POST /v1/Credentials: it could never be removed',
    ]);
  });

  it('a run narrowed by --only to rules that judge no operation says so, not "none it may send"', () => {
    const lines = verdictOf([], coverage(0), false, new Set(['write.cleanup'])).lines;
    expect(lines[0]).toBe(
      'FAILED: NOT JUDGED: the run judged no operation (the rules it was narrowed to, write.cleanup, judge none)',
    );
    expect(verdictOf([], coverage(0), false).lines[0]).toBe(
      'FAILED: NOT JUDGED: the run judged no operation (none it may send)',
    );
  });

  it('a run that judged nothing still names each write it never sends', () => {
    expect(verdictOf([], coverage(0), false).lines.slice(1)).toEqual([
      'NOT SENT: 2 write(s) a run never sends:',
      '  POST /v1/Configuration: an account-wide configuration',
      '  POST /v1/Credentials: it could never be removed',
    ]);
  });
});

describe('a rule judged on some operations only', () => {
  it('its line says how many were not, and the first reason why', async () => {
    const { ruleLine } = await import('../../src/report/summary');
    const line = ruleLine({
      rule: 'write.arrange-refused',
      total: 15,
      judged: 12,
      notRunReason: 'no write this rule applies to',
      blocking: 0,
      accepted: 0,
      warnings: 0,
    });
    expect(line).toMatch(
      /✔ write\.arrange-refused +12\/15 judged, 3 not run \(no write this rule applies to\)$/,
    );
  });
});
