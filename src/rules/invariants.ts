// Invariants more than one rule relies on, each written once: Twilio's list envelope (clients read
// payload[meta.key]), a Twilio error body, PageSize bounds from the derived query schema, and
// fetch/list agreement.

import { isRecord } from '../json';
import { schemaTypes } from '../model/json-schema';
import { isPathValue, type Operation, queryParams } from '../model/operation';
import { defaultPageSize } from '../model/twilio-conventions';
import type { Contract } from '../schemas/contract';

export function itemsKeyProblem(page: unknown): { actual: unknown; expected: string[] } | undefined {
  if (!isRecord(page) || !isRecord(page.meta)) return undefined;
  const key = page.meta.key;
  const arrays = Object.keys(page).filter((k) => k !== 'meta' && Array.isArray(page[k]));
  if (typeof key === 'string' && arrays.includes(key)) return undefined;
  return { actual: key, expected: arrays };
}

/** Why a body is not Twilio's error body for `status`, or undefined when it is. */
export function errorBodyProblems(contract: Contract, body: unknown, status: number): string[] {
  if (!isRecord(body)) return ['the body is not a JSON object'];
  const out = contract.validateError(body).map((v) => v.message);
  if (body.status !== undefined && body.status !== status)
    out.push(`the body says status ${JSON.stringify(body.status)}`);
  return out;
}

/**
 * What is wrong with an answer that should refuse a request with `want` and a Twilio error body:
 * the status, a body that is not JSON, or an error body that is not Twilio's. Read and write rules
 * alike report these.
 */
export function refusalDefects(
  contract: Contract,
  scenario: string,
  response: { status: number; headers: Record<string, string> },
  json: unknown,
  jsonError: string | undefined,
  want: number,
): Array<{ expected: unknown; actual?: unknown; message: string }> {
  const what = `${scenario}: expected ${want} with a Twilio error body`;
  if (response.status !== want)
    return [{ expected: want, actual: response.status, message: `${what}, got status ${response.status}` }];
  if (jsonError !== undefined || json === undefined) {
    const type = response.headers['content-type'] ?? 'no Content-Type';
    return [
      {
        expected: 'Twilio error JSON',
        actual: type,
        message: `${what}, got a ${type} body that is not JSON`,
      },
    ];
  }
  return errorBodyProblems(contract, json, want).map((problem) => ({
    expected: 'Twilio error body',
    message: `${what}: ${problem}`,
  }));
}

export interface PageSizeBounds {
  name: string;
  min: number;
  max: number;
  /** What a page holds when no PageSize is sent. */
  default: number;
  integer: boolean;
}

/** PageSize's bounds as the derived query schema states them (every source, the tightest), and its default. */
export function pageSizeBounds(op: Operation): PageSizeBounds | undefined {
  const params = queryParams(op);
  const name = Object.keys(params).find((p) => p === 'PageSize');
  const schema = name ? params[name] : undefined;
  if (!name || !schema) return undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const min = num(schema.minimum) ?? 1;
  const max = num(schema.maximum) ?? Number.MAX_SAFE_INTEGER;
  return {
    name,
    min,
    max,
    default: defaultPageSize(schema),
    integer: schemaTypes(schema).includes('integer'),
  };
}

/** Values the bounds reject: just below, just above, and not a whole number. */
export function invalidPageSizes(b: PageSizeBounds): string[] {
  const out = [String(b.min - 1)];
  if (b.max < Number.MAX_SAFE_INTEGER) out.push(String(b.max + 1));
  if (b.integer) out.push('abc');
  return out;
}

/** Fields of a list entry that the fetched instance shows differently (fields only one side has are not compared). */
export function entryDifferences(
  entry: unknown,
  fetched: unknown,
): Array<{ field: string; listed: unknown; fetched: unknown }> {
  if (!isRecord(entry) || !isRecord(fetched)) return [{ field: '', listed: entry, fetched }];
  const out: Array<{ field: string; listed: unknown; fetched: unknown }> = [];
  for (const [field, listed] of Object.entries(entry)) {
    if (!Object.hasOwn(fetched, field)) continue;
    if (JSON.stringify(listed) !== JSON.stringify(fetched[field]))
      out.push({ field, listed, fetched: fetched[field] });
  }
  return out;
}

/** The id a list item carries for the field that identifies it. */
/** An item's id, when it can stand in a path: `.` and `..` (another path once resolved) are refused. */
export function itemId(item: unknown, field: string): string | undefined {
  const v = isRecord(item) ? item[field] : undefined;
  const id = typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  return id !== undefined && isPathValue(id) ? id : undefined;
}

/** What tells two items of a list apart: their id, or (items without one) their whole content. */
export function itemIdentity(item: unknown, idField: string | undefined): string {
  return idField ? String(isRecord(item) ? item[idField] : undefined) : JSON.stringify(item);
}
