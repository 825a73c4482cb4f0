// The fault catalogue: named, realistic ways the reference provider can be broken, each one a drift
// or bug seen in real APIs, grouped by what they break — items, pages, the exchange, writes — and
// the hostile answers of write safety, and the faithful variants. Tests, the mutation score (which
// switches on every fault of FAULTS) and `npm run provider -- --fault` use them to prove every
// rule can fail.

import type { Fault } from './fault';
import { HOSTILE } from './hostile';
import { ITEM_FAULTS } from './items';
import { PAGE_FAULTS } from './pages';
import { TRANSPORT_FAULTS } from './transport';
import { VARIANTS } from './variants';
import { WRITE_FAULTS } from './writes';

export type { ActiveFault, Fault, ListPage, PageWindow, WriteBend } from './fault';
export { HOSTILE, VARIANTS };

/** The mutation catalogue: every fault the suite's rules must catch. */
export const FAULTS: readonly Fault[] = [
  ...ITEM_FAULTS,
  ...PAGE_FAULTS,
  ...TRANSPORT_FAULTS,
  ...WRITE_FAULTS,
];

export function faultNamed(name: string): Fault | undefined {
  return [...FAULTS, ...HOSTILE, ...VARIANTS].find((f) => f.name === name);
}

export function parseFaultSpec(spec: string): { name: string; operation?: string } {
  const [name = '', operation] = spec.split('@');
  return operation ? { name, operation } : { name };
}
