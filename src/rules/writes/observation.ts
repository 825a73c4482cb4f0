// What a write sent and what the reads after it showed: the evidence the write rules judge. One shape
// for every write action and every path that writes (the lifecycle, the model-based property, the
// pact's provider states, undo).

import type { WriteOperation } from '../../model/writes';
import type { Exchange } from '../../transport/http';

export type WriteScenario =
  | 'arrange'
  | 'update'
  | 'undo'
  | 'negative'
  | 'unknown-id'
  | 'no-auth'
  | 'malformed'
  | 'recorded';

/** What a read showed after a write. */
export interface Evidence {
  /** The fetch of what the write made, changed or removed. */
  fetched?: { url: string; status?: number; json?: unknown };
  /** Update: the item as fetched before it. */
  before?: unknown;
  /** Whether the list (a nested list for attach and detach) shows the item, walked at its largest PageSize. */
  listed?: { url: string; shown: boolean; complete: boolean };
  /** Send: what each named item shows: fetched, listed, and the items nested under it. */
  named?: Array<{
    field: string;
    id: string;
    listed?: boolean;
    fetched?: number;
    children?: number;
    /** Text the exchange carried (what was sent, the reply) that no item nested under it holds. */
    missing?: string[];
  }>;
  /** An item processed asynchronously: how long it took to reach a terminal state, and which. */
  processed?: { field: string; value?: unknown; ms: number; bound: number; terminal: boolean };
}

export interface WriteObservation {
  scenario: WriteScenario;
  write: WriteOperation;
  exchange: Exchange;
  json?: unknown;
  jsonError?: string;
  /** What a correct provider answers. */
  expect: { statuses: number[]; body: 'success' | 'error' };
  sent?: unknown;
  /** Negative body: what is wrong with it. */
  why?: string;
  evidence: Evidence;
  /** What the answer did to the run's safety (an id not adopted, another account named), by the rule that reports it. */
  safety?: Array<{ rule: 'write.create-new' | 'write.account'; message: string }>;
}

export const succeeded = (o: Pick<WriteObservation, 'expect' | 'exchange'>): boolean =>
  o.expect.body === 'success' &&
  o.exchange.response !== undefined &&
  o.expect.statuses.includes(o.exchange.response.status);
