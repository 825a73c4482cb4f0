// Every drift source as the same thing, a DriftSide: per operation, its schemas (instance, list meta,
// parameters, request body, statuses), or for traffic what was observed. sides.ts and spec-side.ts
// read sources into sides; diff.ts compares two.

import type { JsonSchema } from '../model/json-schema';
import type { Action, Direction, Subject } from './table';

/** One operation as a drift source sees it. */
export interface DriftOperation {
  /** The path with parameter names erased: how two sides' operations are matched. */
  key: string;
  label: string;
  instance?: JsonSchema;
  meta?: JsonSchema;
  /** The meta schema comes from Twilio's convention, not the source's own text: compared for presence only. */
  metaConventional?: boolean;
  query?: JsonSchema;
  path?: JsonSchema;
  statuses?: string[];
  /** A spec side: header parameters, the request body per media type, each status's body. */
  header?: JsonSchema;
  requestBody?: Record<string, JsonSchema>;
  responses?: Record<string, JsonSchema | undefined>;
  /** Traffic: the 2xx bodies seen (list pages or instances), judged by the other side's contract. */
  bodies?: Iterable<unknown>;
  /** A list: the array that holds its items (pointers into it are folded to the item). */
  itemsKey?: string;
}

/** A constraint of the contract a body breaks, as conformance's response.schema and fields-present see it. */
export interface BodyViolation {
  pointer: string;
  keyword: string;
  expected?: unknown;
  actual?: unknown;
  source: string;
}

export interface DriftSide {
  label: string;
  /** spec: any OpenAPI document at full depth (every method, request bodies, every status). */
  kind: 'docs' | 'openapi' | 'schemas' | 'traffic' | 'spec';
  operations: DriftOperation[];
  /** What reading the source left aside, one line each (an operation a docs page documents twice…). */
  notes?: string[];
  /** A contract side: the errors the resolved contract finds in a body of the operation with this key. */
  validate?: (key: string, body: unknown) => readonly BodyViolation[];
}

/** Reports one change, classified by the row for (direction, subject, action). */
export type Emit = (
  direction: Direction,
  subject: Subject,
  action: Action,
  where: string,
  from?: unknown,
  to?: unknown,
  detail?: string,
) => void;
