// The runtime the project states is the one its installed tree needs: package.json's engines accept
// exactly the Node versions every package of package-lock.json accepts (none it accepts is refused
// by a dependency, none it refuses would satisfy them all), and the workflow runs only those.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/sources/paths';

interface Lock {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
}

/** Every package's `engines.node` in a lockfile, by name@version. */
function nodeRanges(lock: Lock): Map<string, string> {
  const ranges = new Map<string, string>();
  for (const [path, p] of Object.entries(lock.packages)) {
    const node = Array.isArray(p.engines) ? undefined : p.engines?.node;
    if (path && node) ranges.set(`${path.replace(/^.*node_modules\//, '')}@${p.version}`, node);
  }
  return ranges;
}

/** The versions where ranges can change their answer: each bound, and the versions just below it. */
function probes(ranges: readonly string[]): string[] {
  const found = new Set<string>();
  for (let major = 16; major <= 30; major++) found.add(`${major}.0.0`);
  for (const r of ranges)
    for (const c of new semver.Range(r).set.flat()) {
      const v: unknown = c.semver;
      if (!(v instanceof semver.SemVer)) continue; // `*`: no bound
      found.add(v.version);
      if (v.patch > 0) found.add(`${v.major}.${v.minor}.${v.patch - 1}`);
      if (v.minor > 0) found.add(`${v.major}.${v.minor - 1}.999`);
      if (v.major > 0) found.add(`${v.major - 1}.999.999`);
    }
  return [...found].sort(semver.compare);
}

/** Where `ours` and the dependencies disagree, one line per Node version. */
function enginesGap(ours: string, deps: ReadonlyMap<string, string>): string[] {
  const gaps: string[] = [];
  for (const v of probes([ours, ...deps.values()])) {
    const refusing = [...deps].filter(([, r]) => !semver.satisfies(v, r)).map(([p, r]) => `${p} (${r})`);
    const accepted = semver.satisfies(v, ours);
    if (accepted && refusing.length) gaps.push(`${v}: engines accept it, ${refusing.join(', ')} refuse it`);
    if (!accepted && !refusing.length) gaps.push(`${v}: engines refuse it, every dependency accepts it`);
  }
  return gaps;
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as Lock;

describe('engines', () => {
  it('package.json accepts exactly the Node versions every package in the lockfile accepts', () => {
    expect(enginesGap(pkg.engines.node, nodeRanges(lock))).toEqual([]);
  });

  it('the workflow runs every job on a Node line the engines accept, the offline suite on 22 and 24', () => {
    const versions = (text: string): string[] =>
      [...text.matchAll(/node-version: (\S+)/g)].map((m) => m[1] as string);
    const workflow = readFileSync(join(PROJECT_ROOT, '.github/workflows/contract.yml'), 'utf8');
    const matrix = (parse(workflow) as { jobs: { offline: { strategy: { matrix: { node: number[] } } } } })
      .jobs.offline.strategy.matrix.node;
    expect(matrix).toEqual([22, 24]);
    const lines = [...versions(workflow).filter((v) => !v.startsWith('$')), ...matrix.map(String)];
    expect(lines.filter((v) => !semver.intersects(v, pkg.engines.node))).toEqual([]);
    expect(versions(workflow.replace('node-version: 24', 'node-version: 20'))).toContain('20');
    expect(semver.intersects('20', pkg.engines.node)).toBe(false);
  });

  it('a range wider or narrower than the tree is named with the version and who refuses it', () => {
    const deps = new Map([
      ['nock@15', '>=22.20.0'],
      ['vitest@5', '^22.12.0 || ^24.0.0 || >=26.0.0'],
    ]);
    expect(enginesGap('^22.20.0 || ^24.0.0 || >=26.0.0', deps)).toEqual([]);
    expect(enginesGap('>=20', deps)).toContain('22.19.999: engines accept it, nock@15 (>=22.20.0) refuse it');
    expect(enginesGap('>=22.20.0', deps)).toContain(
      '25.0.0: engines accept it, vitest@5 (^22.12.0 || ^24.0.0 || >=26.0.0) refuse it',
    );
    expect(enginesGap('^24.0.0', deps)).toContain('22.20.0: engines refuse it, every dependency accepts it');
  });
});
