// The README says what a newcomer runs: every command in it is a script of package.json, every flag it
// gives is one that command takes (its --help lists it), every file or doc it links exists, and it
// reads in five minutes (at most ~150 lines).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/sources/paths';
import { runCli } from './support/fixtures';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const scripts = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
/** Every `npm run X -- flags…` or `npm X` the README shows, in code blocks and inline code. */
const commands = [...readme.matchAll(/npm run (?:-s )?([a-z:]+)((?: [^`\n#]*)?)/g)].map((m) => ({
  script: m[1] as string,
  flags: [...(m[2] ?? '').matchAll(/(?<=\s)--[a-z][a-z-]*/g)].map((f) => f[0]),
}));

describe('the README', () => {
  it('reads in five minutes: prerequisites first, then the two commands, at most ~150 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(150);
    const first = readme.indexOf('Prerequisites');
    expect(first).toBeGreaterThan(-1);
    expect(readme.indexOf('npm ci\nnpm test')).toBeGreaterThan(first);
    expect(readme).toMatch(/```sh\nnpm run conformance\n```/);
  });

  it('names only scripts package.json has', () => {
    const missing = commands.filter(
      (c) => !['ci', 'test', 'exec', 'pack'].includes(c.script) && !scripts[c.script],
    );
    expect(missing).toEqual([]);
  });

  it('gives only flags each command takes (its --help lists every one)', async () => {
    const byScript = new Map<string, Set<string>>();
    for (const c of commands)
      for (const f of c.flags) byScript.set(c.script, new Set([...(byScript.get(c.script) ?? []), f]));
    for (const [script, flags] of byScript) {
      const help = await runCli(script.replace(':', '-'), ['--help']);
      expect([script, help.status]).toEqual([script, 0]);
      for (const f of flags) expect(`${script} ${help.stdout}`, `${script} ${f}`).toContain(f);
    }
  });

  it('links only what exists', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)]
      .map((m) => m[1] as string)
      .filter((l) => !/^https?:/.test(l));
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !existsSync(join(PROJECT_ROOT, l)))).toEqual([]);
  });

  it('every docs page opens with the question it answers', () => {
    const pages = [...readme.matchAll(/\]\((docs\/[^)#]+\.md)\)/g)].map((m) => m[1] as string);
    for (const p of new Set(pages)) {
      const head = readFileSync(join(PROJECT_ROOT, p), 'utf8').split('\n').slice(0, 4).join('\n');
      expect(head, p).toMatch(/\?/);
    }
  });
});
