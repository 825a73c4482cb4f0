// One figure of `npm run bench`: what was measured, its value and unit, and the goal it is set beside.

export interface BenchLine {
  name: string;
  value: number;
  unit: string;
  /** The figure it is measured against, when there is one (e.g. "≤ 2000"). */
  goal?: string;
}
