// Checks that need a particular request: fetch vs list agreement, unknown id, PageSize bounds, auth.

import type { Contract } from '../contract/contract';
import type { Finding } from '../findings';
import { isRecord } from '../json';
import { jsonDiff } from '../json-diff';
import { type Check, finding, type Observation, type OperationKind, succeeded } from './observation';

export const fetchMatchesList: Check = {
  id: 'fetch.matches-list',
  description: 'a listed session fetched by id equals its list entry',
  operations: ['fetch'],
  applies: (o) => succeeded(o) && o.listEntry !== undefined,
  run: (o) =>
    jsonDiff(o.listEntry, o.json).map((d) =>
      finding('fetch.matches-list', o, {
        severity: 'error',
        pointer: d.pointer,
        expected: d.left,
        actual: d.right,
        message: `fetched ${d.pointer.slice(1) || 'session'} is ${JSON.stringify(d.right)}, its list entry says ${JSON.stringify(d.left)}`,
      }),
    ),
};

/** A scenario that must be refused with `status` and a Twilio error body. */
function twilioErrorCheck(
  id: string,
  description: string,
  scenario: RegExp,
  operation: OperationKind,
): Check {
  return {
    id,
    description,
    operations: [operation],
    applies: (o) => scenario.test(o.scenario) && o.exchange.response !== undefined,
    run: (o, contract) => errorProblems(id, o, contract),
  };
}

function errorProblems(id: string, o: Observation, contract: Contract): Finding[] {
  const response = o.exchange.response;
  const want = o.expect.status;
  if (!response) return [];
  const what = `${o.scenario}: expected ${want} with a Twilio error body`;
  if (response.status !== want) {
    return [
      finding(id, o, {
        severity: 'error',
        expected: want,
        actual: response.status,
        message: `${what}, got status ${response.status}`,
      }),
    ];
  }
  if (o.jsonError !== undefined || !isRecord(o.json)) {
    const type = response.headers['content-type'] ?? 'no Content-Type';
    return [
      finding(id, o, {
        severity: 'error',
        expected: 'Twilio error JSON',
        actual: type,
        message: `${what}, got a ${type} body that is not a JSON object`,
      }),
    ];
  }
  const violations = contract.validate('error', o.json).filter((v) => v.severity === 'error');
  const out = violations.map((v) =>
    finding(id, o, {
      severity: 'error',
      pointer: v.pointer,
      expected: v.expected,
      actual: v.actual,
      message: `${what}: ${v.message}`,
    }),
  );
  if (o.json.status !== undefined && o.json.status !== want) {
    out.push(
      finding(id, o, {
        severity: 'error',
        pointer: '/status',
        expected: want,
        actual: o.json.status,
        message: `${what}: body says status ${JSON.stringify(o.json.status)}`,
      }),
    );
  }
  return out;
}

export const unknownId = twilioErrorCheck(
  'fetch.unknown-id',
  'an unknown id gives 404 with a Twilio error body',
  /^fetch-unknown$/,
  'fetch',
);
export const pageSizeBounds = twilioErrorCheck(
  'list.page-size-bounds',
  'PageSize 0, 1001 and "abc" give 400 with a Twilio error body',
  /^list-page-size-invalid/,
  'list',
);
export const authRequired = twilioErrorCheck(
  'auth.required',
  'a request without credentials gives 401 with a Twilio error body',
  /^no-auth$/,
  'list',
);
