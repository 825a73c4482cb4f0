// Live drift: what a conformance run saw, against the contract it was checked with. Undocumented
// fields, documented fields never seen, formats seen, statuses seen, and the classified changes.

import type { Observation as CheckObservation } from '../checks/observation';
import type { Contract } from '../contract/contract';
import { isRecord } from '../json';
import type { DriftChange } from './diff';
import { diffModels } from './diff';
import type { DriftModel } from './model';
import { traffic } from './model';

export interface ObservedDrift {
  target: string;
  objects: number;
  undocumented: string[];
  neverSeen: string[];
  formatsSeen: Record<string, string>;
  statuses: Record<string, string[]>;
  changes: DriftChange[];
}

export function observedModel(
  target: string,
  observations: readonly CheckObservation[],
  contract: Contract,
): DriftModel {
  const sessions: Array<Record<string, unknown>> = [];
  const metas: Array<Record<string, unknown>> = [];
  const statuses: Record<string, Set<string>> = {};
  for (const o of observations) {
    const status = o.exchange.response?.status;
    if (status === undefined) continue;
    const seen = statuses[o.operation] ?? new Set<string>();
    seen.add(String(status));
    statuses[o.operation] = seen;
    if (status !== 200 || !isRecord(o.json)) continue;
    if (o.expect.body === 'resource') sessions.push(o.json);
    if (o.expect.body === 'list') {
      if (isRecord(o.json.meta)) metas.push(o.json.meta);
      const items = o.json[contract.itemsKey];
      if (Array.isArray(items)) for (const it of items) if (isRecord(it)) sessions.push(it);
    }
  }
  return traffic(target, sessions, metas, statuses, contract.primary.listPath, contract.primary.fetchPath);
}

export function observedDrift(
  target: string,
  observations: readonly CheckObservation[],
  contract: Contract,
): ObservedDrift {
  const model = observedModel(target, observations, contract);
  const documented = contract.documentedFields('resource');
  const seen = model.set.schemas.resource.properties ?? {};
  const objects = (model.set.schemas.resource['x-observed'] as { objects: number }).objects;
  const documentedModel: DriftModel = { label: 'contract', kind: 'schemas', set: contract.primary };
  return {
    target,
    objects,
    undocumented: Object.keys(seen).filter((f) => !documented.has(f)),
    neverSeen: objects ? [...documented.keys()].filter((f) => !(f in seen)) : [],
    formatsSeen: Object.fromEntries(
      Object.entries(seen).flatMap(([k, s]) => (s.format ? [[k, s.format]] : [])),
    ),
    statuses: model.statuses ?? {},
    changes: objects ? diffModels(documentedModel, model) : [],
  };
}
