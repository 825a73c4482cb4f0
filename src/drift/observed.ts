// What traffic showed, per operation: an inferred schema of the instances and of the list meta, the
// statuses seen; and, for every conformance run, the drift of that traffic against the resolved
// contract (the same contract the checks used, so the two never disagree about one response).

import type { Finding } from '../finding';
import { type Operation, pathShape, successStatus } from '../model/operation';
import type { Contract } from '../schemas/contract';
import type { Exchange } from '../transport/http';
import { diffSides } from './diff';
import { ExchangeObserver, type ObservedOperation, observeExchanges } from './infer';
import { contractSide, trafficSide } from './sides';

/**
 * What drift reads of one observation of a run (the rules' Observation is one): the operation, the
 * body its scenario expected, the exchange, and the parsed body (read only when drift reaches it).
 */
export interface Observation {
  op: Pick<Operation, 'method' | 'path' | 'itemsKey' | 'success'>;
  expect: { body: string };
  exchange: Pick<Exchange, 'response'>;
  readonly json?: unknown;
}

/**
 * What drift reads of one observation of a run (the rules' Observation is one): the operation, the
 * body its scenario expected, the exchange, and the parsed body (read only when drift reaches it).
 */
export interface Observation {
  op: Pick<Operation, 'method' | 'path' | 'itemsKey' | 'success'>;
  expect: { body: string };
  exchange: Pick<Exchange, 'response'>;
  readonly json?: unknown;
}

/** Each observation as an exchange; its body is read only when the inference reaches it. */
function* exchangesOf(observations: readonly Observation[]) {
  for (const o of observations)
    yield {
      operation: `${o.op.method} ${o.op.path}`,
      path: o.op.path,
      ...(o.op.itemsKey ? { itemsKey: o.op.itemsKey } : {}),
      kind: o.expect.body === 'list' ? ('list' as const) : ('instance' as const),
      ...(o.exchange.response ? { status: o.exchange.response.status } : {}),
      ...(o.op.success ? { success: o.op.success } : {}),
      get json() {
        return o.expect.body === 'error' ? undefined : o.json;
      },
    };
}

export function observationsOf(observations: readonly Observation[]): ObservedOperation[] {
  return observeExchanges(exchangesOf(observations));
}

export interface ObservedDrift {
  target: string;
  operations: Array<{
    operation: string;
    objects: number;
    undocumented: string[];
    neverSeen: string[];
    formatsSeen: Record<string, string>;
    statuses: string[];
  }>;
  /** The classified changes: findings of the drift rules. */
  findings: Finding[];
}

export function observedDrift(
  target: string,
  observations: readonly Observation[],
  contract: Contract,
): ObservedDrift {
  const observed = observationsOf(observations);
  const operations = observed.map((o) => {
    const op = contract.operations.find((x) => pathShape(x.path) === pathShape(o.path));
    const documented = op ? contract.documentedFields(op) : new Map<string, string[]>();
    const seen = o.instance.properties ?? {};
    return {
      operation: o.operation,
      objects: o.objects,
      undocumented: Object.keys(seen).filter((f) => !documented.has(f)),
      neverSeen: o.objects ? [...documented.keys()].filter((f) => !Object.hasOwn(seen, f)) : [],
      formatsSeen: Object.fromEntries(
        Object.entries(seen).flatMap(([k, s]) => (s.format ? [[k, s.format]] : [])),
      ),
      statuses: o.statuses,
    };
  });
  // The 2xx bodies by operation, each read only as the contract judges it (never all held at once).
  const judged = new Map<string, Observation[]>();
  for (const o of observations) {
    const status = o.exchange.response?.status;
    // A 2xx, or the redirect the spec documents for success (its body says where to go).
    const answered = status !== undefined && (status < 300 || status === successStatus(o.op));
    if (o.expect.body === 'error' || !answered) continue;
    const label = `${o.op.method} ${o.op.path}`;
    const list = judged.get(label) ?? [];
    list.push(o);
    judged.set(label, list);
  }
  const bodies = new Map<string, Iterable<unknown>>(
    [...judged].map(([label, list]) => [
      label,
      {
        *[Symbol.iterator]() {
          for (const o of list) {
            const json = o.json;
            if (json !== undefined) yield json;
          }
        },
      },
    ]),
  );
  const findings = diffSides(contractSide(contract, 'contract'), trafficSide(target, observed, bodies)).map(
    (f) => ({
      ...f,
      target,
    }),
  );
  return { target, operations, findings };
}

/**
 * The traffic of a job, taken run by run as each one ends: that run's drift, and what all runs showed
 * together. Once a run is taken its bodies are no longer needed (releaseBodies), so a job of a thousand
 * cassettes holds one run's bodies at a time.
 */
export class TrafficDigest {
  private readonly drifts: ObservedDrift[] = [];
  private readonly all = new ExchangeObserver();
  constructor(private readonly contract: Contract) {}

  add(target: string, observations: readonly Observation[]): void {
    this.drifts.push(observedDrift(target, observations, this.contract));
    for (const e of exchangesOf(observations)) this.all.add(e);
  }

  /** Each run's drift, in the order taken. */
  drift(): ObservedDrift[] {
    return this.drifts;
  }

  observed(): ObservedOperation[] {
    return this.all.result();
  }
}
