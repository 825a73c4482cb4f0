// Is pattern B narrower, wider, or incomparable to pattern A? Decided as far as sampling can: each
// side's known values and strings generated from each pattern are tested against the other. The
// work is bounded: a pattern with nested quantifiers (catastrophic backtracking) is only tested on
// short strings, and the whole comparison stops at a time bound with "incomparable (bound reached)".

import { fastCheck } from '../lazy';

export type PatternRelation = 'equivalent' | 'narrowed' | 'widened' | 'incomparable';

export interface PatternComparison {
  relation: PatternRelation;
  /** Strings the old pattern accepts and the new one rejects, and the other way round. */
  onlyOld: string[];
  onlyNew: string[];
  tested: number;
  /** The time bound cut the comparison short. */
  bounded?: boolean;
}

const compile = (p: string | undefined): RegExp | undefined => {
  if (p === undefined) return undefined;
  try {
    return new RegExp(p, 'u');
  } catch {
    return undefined;
  }
};

/** A quantified group that itself contains a quantifier: (a+)+, (a|a)*, (\w*)+ … */
const NESTED_QUANTIFIER =
  /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]|\((?:[^()\\]|\\.)*\|(?:[^()\\]|\\.)*\)[+*{]/;
export const isRisky = (p: string | undefined): boolean => p !== undefined && NESTED_QUANTIFIER.test(p);

function samples(re: RegExp | undefined, count: number, maxLength: number): string[] {
  if (!re) return [];
  try {
    const fc = fastCheck();
    return fc
      .sample(fc.stringMatching(re, { size: 'small' }), { numRuns: count, seed: 42 })
      .filter((s) => s.length <= maxLength);
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
  budgetMs = 2000,
): PatternComparison {
  const a = compile(oldPattern);
  const b = compile(newPattern);
  const risky = isRisky(oldPattern) || isRisky(newPattern);
  const maxLength = risky ? 18 : 256;
  const started = performance.now();
  let bounded = false;
  const accepts = (re: RegExp | undefined, s: string) => {
    if (!re) return true;
    if (performance.now() - started > budgetMs) {
      bounded = true;
      return true;
    }
    return re.test(s);
  };
  const short = (xs: readonly string[]) => xs.filter((s) => s.length <= maxLength);
  const fromOld = [...short(oldExamples), ...samples(a, 60, maxLength)].filter((s) => accepts(a, s));
  const fromNew = [...short(newExamples), ...samples(b, 60, maxLength)].filter((s) => accepts(b, s));
  const onlyOld = [...new Set(fromOld.filter((s) => !accepts(b, s)))];
  const onlyNew = [...new Set(fromNew.filter((s) => !accepts(a, s)))];
  if (bounded) return { relation: 'incomparable', onlyOld: [], onlyNew: [], tested: 0, bounded: true };
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
