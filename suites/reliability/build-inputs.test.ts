// The suites rebuild dist/ only when it is not a build of the sources on disk (bin/build-inputs.mjs):
// any change to a source, a schema, the build's scripts or the lockfile, or a missing output, means
// a rebuild; an untouched tree does not.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInputsDigest, builtFromCurrentInputs, stampBuild } from '../../bin/build-inputs.mjs';

/** A project tree with one file of each kind of input, and a build of it stamped with its digest. */
function builtTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'build-inputs-'));
  const files: Record<string, string> = {
    'src/cli/conformance.ts': 'export {};\n',
    'src/rules/deep/rule.ts': 'export const x = 1;\n',
    'schemas/a.schema.json': '{}\n',
    'bin/validators.ts': '\n',
    'bin/build-inputs.mjs': '\n',
    'tsconfig.json': '{}\n',
    'package.json': '{}\n',
    'package-lock.json': '{}\n',
    'dist/cli/conformance.mjs': '\n',
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  mkdirSync(join(root, 'dist/validators'));
  writeFileSync(join(root, 'dist/build-inputs.sha256'), `${buildInputsDigest(root)}\n`);
  return root;
}

describe('a build of exactly the sources on disk is not rebuilt', () => {
  it('an untouched tree: built', () => {
    expect(builtFromCurrentInputs(builtTree())).toBe(true);
  });

  it.each([
    [
      'a source deep under src/ edited',
      (r: string) => writeFileSync(join(r, 'src/rules/deep/rule.ts'), 'export const x = 2;\n'),
    ],
    ['a source added', (r: string) => writeFileSync(join(r, 'src/new.ts'), '\n')],
    [
      'a schema edited',
      (r: string) => writeFileSync(join(r, 'schemas/a.schema.json'), '{"type":"object"}\n'),
    ],
    [
      'the lockfile changed (another esbuild or ajv)',
      (r: string) => writeFileSync(join(r, 'package-lock.json'), '{"v":2}\n'),
    ],
    ['the validators script changed', (r: string) => writeFileSync(join(r, 'bin/validators.ts'), '//\n')],
    [
      'tsconfig.json changed (esbuild reads its target)',
      (r: string) => writeFileSync(join(r, 'tsconfig.json'), '{"compilerOptions":{"target":"ES2020"}}\n'),
    ],
    ['a command bundle deleted', (r: string) => rmSync(join(r, 'dist/cli/conformance.mjs'))],
    ['the validators folder deleted', (r: string) => rmSync(join(r, 'dist/validators'), { recursive: true })],
    ['no stamp (a build that did not finish)', (r: string) => rmSync(join(r, 'dist/build-inputs.sha256'))],
  ])('%s: rebuilt', (_what, change) => {
    const root = builtTree();
    change(root);
    expect(builtFromCurrentInputs(root)).toBe(false);
  });

  it('a source edited while the build runs: the stamp is the digest taken before it, so it is rebuilt', () => {
    const root = builtTree();
    rmSync(join(root, 'dist/build-inputs.sha256'));
    writeFileSync(join(root, 'dist/build-inputs.pending'), `${buildInputsDigest(root)}\n`);
    writeFileSync(join(root, 'src/rules/deep/rule.ts'), 'export const x = 3;\n');
    stampBuild(root);
    expect(builtFromCurrentInputs(root)).toBe(false);
  });
});
