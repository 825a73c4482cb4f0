// On a Node older than package.json's engines, every command and `npm test` stop at once with one
// line naming this Node, the engines and the way to the right one (bin/check-node.mjs).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeProblem, satisfies } from '../../bin/check-node.mjs';
import { PROJECT_ROOT } from '../../src/sources/paths';

const engines = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).engines.node as string;

describe('the Node version check', () => {
  it("reads the engines' ^ and >= ranges as npm does", () => {
    for (const [version, ok] of [
      ['v20.20.2', false],
      ['v22.19.0', false],
      ['v22.20.0', true],
      ['v23.1.0', false],
      ['v24.0.0', true],
      ['v24.22.3', true],
      ['v25.0.0', false],
      ['v26.0.0', true],
      ['v30.1.2', true],
    ] as const)
      expect(satisfies(version, engines), version).toBe(ok);
  });

  it('on Node 20: one line naming this Node, the engines and bash .ci/run; none on this one', () => {
    const line = nodeProblem('v20.20.2') ?? '';
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('this is Node v20.20.2');
    expect(line).toContain(engines);
    expect(line).toMatch(/bash \.ci\/run/);
    expect(nodeProblem(process.version)).toBeUndefined();
  });

  it('runs before anything else: npm test first, and the command launcher before any import an old Node lacks', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toMatch(/^node bin\/check-node\.mjs && /);
    const launcher = readFileSync(join(PROJECT_ROOT, 'bin', 'cli.mjs'), 'utf8');
    expect(launcher).not.toMatch(/import \{[^}]*enableCompileCache/);
    expect(launcher.indexOf('nodeProblem()')).toBeLessThan(launcher.indexOf('enableCompileCache()'));
  });
});
