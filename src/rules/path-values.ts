// Twilio's answers show the path they were asked at: a field named after an identifier in the path
// ({ServiceSid} → service_sid, {sessionId} → session_id) holds the value the URL names, in a fetched
// item and in every item of a list page. An answer that shows another value serves another scope's
// data (a nested list leaking a sibling's items, a fetch of the wrong parent's configuration).

import { isRecord } from '../json';
import { fits, type JsonSchema } from '../model/json-schema';
import {
  identifyingField,
  instanceSchema,
  type Operation,
  ORIGINS,
  pathMatcher,
  pathParamNames,
} from '../model/operation';
import { type ScopeField, scopeFields } from '../model/twilio-conventions';
import type { Contract } from '../schemas/contract';
import { instances } from './response';
import { finding, type Observation, type ObservationRule, succeeded } from './rule';

/** An instance schema of the operation from any source that has one. */
const instanceOf = (op: Operation): JsonSchema | undefined =>
  ORIGINS.map((o) => instanceSchema(op, o)).find((s) => s !== undefined);

const scopeOf = (op: Operation): ScopeField[] =>
  scopeFields(pathParamNames(op.path), instanceOf(op), identifyingField(op));

const membersOf = (op: Operation, contract: Contract): boolean =>
  contract.writes.some((w) => (w.action === 'attach' || w.action === 'detach') && w.effect.list === op.id);

/** The path's values as the request named them, by parameter; {} when the URL is not the operation's. */
function pathValuesOf(o: Observation): Record<string, string> {
  let path: string;
  try {
    path = new URL(o.exchange.request.url).pathname;
  } catch {
    return {};
  }
  const m = pathMatcher(o.op.path).exec(path);
  if (!m) return {};
  const out: Record<string, string> = {};
  pathParamNames(o.op.path).forEach((name, k) => {
    try {
      out[name] = decodeURIComponent(m[k + 1] ?? '');
    } catch {
      // A segment that does not decode names nothing to compare.
    }
  });
  return out;
}

export const pathValues: ObservationRule = {
  name: 'response.path-values',
  kind: 'response',
  asserts:
    'a field named after an identifier in the path ({ServiceSid} → service_sid) holds the value the URL names, in a fetched item and in every listed item (an error where the field states its form, a SID pattern; else a warning)',
  needs: 'operations under an identifier their items name',
  // A list attaches fill shows members, each naming its own home: not the path's scope.
  appliesTo: (op, contract) => scopeOf(op).length > 0 && !membersOf(op, contract),
  applies: succeeded,
  run: (o) => {
    const values = pathValuesOf(o);
    const schema = instanceOf(o.op);
    // A value not of the field's own form (a unique name where the field holds a SID) is not compared.
    const compared = scopeOf(o.op).flatMap(({ param, field }) => {
      const value = values[param];
      const s = schema?.properties?.[field];
      return value !== undefined && s !== undefined && fits(s, value) ? [{ param, field, value, s }] : [];
    });
    const out = [];
    for (const { param, field, value, s } of compared) {
      // A field that states its identifier's form (a SID's pattern) is the path's value or an error;
      // one that states none may name its scope another way than the path does (a unique name): a warning.
      const severity = s.pattern ? 'error' : 'warning';
      for (const [at, item] of instances(o)) {
        const shown = isRecord(item) ? item[field] : undefined;
        if (typeof shown !== 'string' || shown === value) continue;
        out.push(
          finding('response.path-values', o, {
            severity,
            source: 'the request path',
            pointer: `${at()}/${field}`,
            expected: value,
            actual: shown,
            message: `${field} is ${JSON.stringify(shown)}, but the path names ${param} ${JSON.stringify(value)}`,
          }),
        );
        break;
      }
    }
    return out;
  },
};
