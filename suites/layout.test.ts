// The layout shows the flow: each folder of src/ is a stage and imports only from earlier stages;
// the reference provider is reachable only from targets (and the suites); no API path is written
// into library code (a resource comes from the model).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/sources/paths';

/** The stages in flow order; files directly in src/ are shared basics every stage may use. */
const STAGES = [
  'sources',
  'model',
  'schemas',
  'transport',
  'provider',
  'targets',
  'rules',
  'run',
  'findings',
  'pact',
  'drift',
  'report',
  'mutation',
  'cli',
] as const;

const SRC = join(PROJECT_ROOT, 'src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
const stageOf = (file: string): number => {
  const top = relative(SRC, file).split('/');
  return top.length === 1 ? -1 : STAGES.indexOf(top[0] as (typeof STAGES)[number]);
};
const imports = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^import[^'"]*['"](\.[^'"]+)['"]/gm)].map((m) =>
    resolve(file, '..', m[1] as string),
  );

describe('layout', () => {
  const all = files(SRC);

  it('every folder of src/ is a named stage, and the README’s folder table names each', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    for (const dir of readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory())) {
      expect(STAGES, dir).toContain(dir);
      expect(readme, dir).toContain(`\`src/${dir}/\``);
    }
  });

  it('each stage imports only from earlier stages (or the shared basics)', () => {
    const backwards: string[] = [];
    for (const file of all)
      for (const target of imports(file))
        if (stageOf(target) > stageOf(file))
          backwards.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    expect(backwards).toEqual([]);
  });

  it('only targets import the reference provider', () => {
    const reaching = all.filter(
      (f) => !/\/src\/(provider|targets)\//.test(f) && imports(f).some((t) => t.includes('/src/provider/')),
    );
    expect(reaching.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('no code outside src/sources/ names Assistants: host, names, titles and variables come from the spec', () => {
    // Code, not comments: a comment may say what an example was.
    const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const offenders = all.filter(
      (f) =>
        !f.includes('/src/sources/') && /assistant|TWILIO_SESSION_ID/i.test(code(readFileSync(f, 'utf8'))),
    );
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('no API path is written into library code outside the reference provider', () => {
    const literal = /['"`]\/v\d+\/[A-Z]/;
    const offenders = all.filter(
      (f) => !f.includes('/src/provider/') && literal.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('no circle of imports between files, in src/, suites/ or bench/', () => {
    const resolveTs = (p: string) =>
      [`${p}.ts`, join(p, 'index.ts'), p].find((c) => existsSync(c) && c.endsWith('.ts'));
    const circles: string[] = [];
    for (const dir of ['src', 'suites', 'bench']) {
      const graph = new Map<string, string[]>();
      for (const f of files(join(PROJECT_ROOT, dir)))
        graph.set(
          f,
          imports(f).flatMap((t) => resolveTs(t) ?? []),
        );
      for (const cycle of cyclesOf(graph))
        circles.push(cycle.map((f) => relative(PROJECT_ROOT, f)).join(' → '));
    }
    expect(circles).toEqual([]);
  });
});

/** The strongly connected groups of more than one file (Tarjan): each is a circle of imports. */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) group.push(w);
    if (group.length > 1) out.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}
