// Is pattern B narrower, wider, or incomparable to pattern A? Decided as far as sampling can: each
// side's documented examples and strings generated from each pattern are tested against the other.

import fc from 'fast-check';

export type PatternRelation = 'equivalent' | 'narrowed' | 'widened' | 'incomparable';

export interface PatternComparison {
  relation: PatternRelation;
  /** Strings the old pattern accepts and the new one rejects, and the other way round. */
  onlyOld: string[];
  onlyNew: string[];
  tested: number;
}

const compile = (p: string | undefined): RegExp | undefined => {
  if (p === undefined) return undefined;
  try {
    return new RegExp(p, 'u');
  } catch {
    return undefined;
  }
};

function samples(re: RegExp | undefined, count: number): string[] {
  if (!re) return [];
  try {
    return fc.sample(fc.stringMatching(re, { size: 'small' }), { numRuns: count, seed: 42 });
  } catch {
    return [];
  }
}

/** Old and new pattern (undefined: no pattern, i.e. any string), with each side's known values. */
export function comparePatterns(
  oldPattern: string | undefined,
  newPattern: string | undefined,
  oldExamples: readonly string[] = [],
  newExamples: readonly string[] = [],
): PatternComparison {
  const a = compile(oldPattern);
  const b = compile(newPattern);
  const accepts = (re: RegExp | undefined, s: string) => (re ? re.test(s) : true);
  const fromOld = [...oldExamples, ...samples(a, 60)].filter((s) => accepts(a, s));
  const fromNew = [...newExamples, ...samples(b, 60)].filter((s) => accepts(b, s));
  const onlyOld = [...new Set(fromOld.filter((s) => !accepts(b, s)))];
  const onlyNew = [...new Set(fromNew.filter((s) => !accepts(a, s)))];
  const relation: PatternRelation =
    onlyOld.length && onlyNew.length
      ? 'incomparable'
      : onlyOld.length
        ? 'narrowed'
        : onlyNew.length
          ? 'widened'
          : 'equivalent';
  return {
    relation,
    onlyOld: onlyOld.slice(0, 3),
    onlyNew: onlyNew.slice(0, 3),
    tested: fromOld.length + fromNew.length,
  };
}
