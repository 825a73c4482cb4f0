// Rules that need a particular request: fetch/list agreement, unknown ids, PageSize out of bounds,
// requests without credentials. The run's plan (src/run/plan.ts) makes the requests; these judge them.

import type { Finding } from '../finding';
import type { JsonSchema } from '../model/json-schema';
import { type Operation, successStatus } from '../model/operation';
import { processingFields } from '../model/twilio-conventions';
import { updatedFields } from '../model/writes';
import type { Contract } from '../schemas/contract';
import { entryDifferences, pageSizeBounds, refusalDefects } from './invariants';
import { finding, type Observation, type ObservationRule, succeeded } from './rule';

export const fetchMatchesList: ObservationRule = {
  name: 'fetch.matches-list',
  kind: 'scenario',
  asserts: 'a listed item fetched by id equals its list entry (every field both show)',
  needs: 'the fetch that pairs with a list, answering the item (not a redirect to it)',
  appliesTo: (op) => op.kind === 'instance' && op.pairsWith !== undefined && successStatus(op) < 300,
  applies: (o) => succeeded(o) && o.listEntry !== undefined,
  run: (o, contract) =>
    entryDifferences(o.listEntry, o.json)
      .filter(movedOnItsOwn(contract.merged(o.op)))
      .map((d) =>
        finding('fetch.matches-list', o, {
          severity: 'error',
          source: 'the list response',
          pointer: `/${d.field}`,
          expected: d.listed,
          actual: d.fetched,
          message: `fetched ${d.field || 'item'} is ${JSON.stringify(d.fetched)}, its list entry says ${JSON.stringify(d.listed)}`,
        }),
      ),
};

/**
 * An item processed asynchronously may move on between the list read and the fetch: when its
 * processing state differs, that state and the date it moves are not a disagreement.
 */
function movedOnItsOwn(schema: JsonSchema) {
  const busy = new Set(processingFields(schema).map(([name]) => name));
  const dated = new Set(updatedFields({ response: schema }));
  return (d: { field: string }, _k: number, all: ReadonlyArray<{ field: string }>): boolean => {
    const moving = all.some((x) => busy.has(x.field));
    return !(moving && (busy.has(d.field) || dated.has(d.field)));
  };
}

/** A scenario that must be refused with the expected status and a Twilio error body. */
function refusal(
  name: string,
  asserts: string,
  needs: string,
  scenario: RegExp,
  appliesTo: (op: Operation) => boolean,
): ObservationRule {
  return {
    name,
    kind: 'scenario',
    asserts,
    needs,
    appliesTo,
    applies: (o) => scenario.test(o.scenario) && o.exchange.response !== undefined,
    run: (o, contract) => refusalProblems(name, o, contract),
  };
}

function refusalProblems(name: string, o: Observation, contract: Contract): Finding[] {
  const response = o.exchange.response;
  if (!response) return [];
  return refusalDefects(contract, o.scenario, response, o.json, o.jsonError, o.expect.status).map((d) =>
    finding(name, o, { severity: 'error', ...d }),
  );
}

export const unknownId = refusal(
  'fetch.unknown-id',
  'an unknown id in the path (a fetch, or a nested list under an unknown parent) gives 404 with a Twilio error body',
  'operations with path parameters',
  /^unknown-id/,
  (op) => op.pathParams.length > 0,
);

export const pageSizeOutOfBounds = refusal(
  'list.page-size-bounds',
  "PageSize just outside the query schema's bounds, and a non-integer, give 400 with a Twilio error body",
  "the list-query schema's PageSize bounds",
  /^list-page-size-invalid/,
  (op) => op.kind === 'list' && pageSizeBounds(op) !== undefined,
);

export const authRequired = refusal(
  'auth.required',
  'a request without credentials gives 401 with a Twilio error body',
  'every operation',
  /^no-auth$/,
  () => true,
);

export const SCENARIO_RULES: readonly ObservationRule[] = [
  fetchMatchesList,
  unknownId,
  pageSizeOutOfBounds,
  authRequired,
];
