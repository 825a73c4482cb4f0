// The README says what a newcomer runs: every command in it is a script of package.json, every flag it
// gives is one that command takes (its --help lists it), every file or doc it links exists, and it
// reads in five minutes (at most ~150 lines). Every relative link of the README and of docs/ leads
// somewhere: a file that exists, and a heading of it when the link names one.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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

  it('every docs page opens with the question it answers: its title asks it', () => {
    const pages = readdirSync(join(PROJECT_ROOT, 'docs')).filter((n) => n.endsWith('.md'));
    expect(pages.length).toBeGreaterThan(5);
    for (const p of pages) {
      const title = readFileSync(join(PROJECT_ROOT, 'docs', p), 'utf8').split('\n')[0];
      expect(title, p).toMatch(/^# .+\?$/);
    }
  });
});

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** The anchors of a markdown file's headings (outside code blocks). */
function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1] as string)));
}

describe('the links of the README and docs/', () => {
  const pages = [
    'README.md',
    ...readdirSync(join(PROJECT_ROOT, 'docs'))
      .filter((n) => n.endsWith('.md'))
      .map((n) => `docs/${n}`),
  ];

  it('each relative link leads to a file that exists, and to a heading of it when it names one', () => {
    const broken: string[] = [];
    let seen = 0;
    for (const page of pages) {
      const file = join(PROJECT_ROOT, page);
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
          const link = m[1] as string;
          if (/^[a-z]+:/i.test(link)) continue;
          seen++;
          const [path = '', anchor] = link.split('#');
          const target = path ? join(dirname(file), path) : file;
          const where = `${page}:${i + 1} ${link}`;
          if (!existsSync(target)) broken.push(`${where} (no ${relative(PROJECT_ROOT, target)})`);
          else if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor))
            broken.push(`${where} (no heading #${anchor})`);
        }
      });
    }
    expect(seen).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });
});
