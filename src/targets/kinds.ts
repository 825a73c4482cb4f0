// The targets' names and default budgets, apart from the targets themselves so a command can check
// its flags without loading the reference provider.

export type TargetKind = 'recorded' | 'live' | 'local';
export const TARGETS: readonly TargetKind[] = ['recorded', 'live', 'local'];
/** A whole-API run makes about 100 requests (see the README's per-operation table). */
export const DEFAULT_LIVE_BUDGET = 200;
/** The pagination properties walk lists: they get their own, larger budget on live targets. */
export const DEFAULT_PAGINATION_BUDGET = 600;
