// The suites leave nothing in the machine's temporary folder: every folder they make goes into one
// scratch folder of the run (suites/support/scratch.ts), removed when the run ends.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import setup from '../support/scratch';

/** The files of a compile cache folder that name `path`. */
const naming = (cache: string, path: string): number =>
  readdirSync(cache)
    .flatMap((v) => readdirSync(join(cache, v)).map((f) => join(cache, v, f)))
    .filter((f) => readFileSync(f).includes(Buffer.from(path))).length;

describe('the suites’ scratch folder', () => {
  it('holds what the suites make under os.tmpdir(), and is gone, with all of it, once the run ends', () => {
    const outer = tmpdir();
    const keep = process.env.CONFORMANCE_KEEP_TEST_FILES;
    delete process.env.CONFORMANCE_KEEP_TEST_FILES;
    const end = setup();
    let made = '';
    try {
      expect(tmpdir()).not.toBe(outer);
      expect(tmpdir().startsWith(join(outer, 'conformance-suites-'))).toBe(true);
      made = mkdtempSync(join(tmpdir(), 'report-'));
      writeFileSync(join(made, 'conformance.json'), '{}');
    } finally {
      end();
      if (keep !== undefined) process.env.CONFORMANCE_KEEP_TEST_FILES = keep;
    }
    expect(tmpdir()).toBe(outer);
    expect(existsSync(made)).toBe(false);
  });

  it('what Node compiled of its files leaves the compile cache with it; what it compiled elsewhere stays', () => {
    const saved = process.env.NODE_COMPILE_CACHE;
    const cache = mkdtempSync(join(tmpdir(), 'compile-cache-'));
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'kept-')), 'kept.cjs');
    writeFileSync(elsewhere, 'module.exports = () => "kept";\n');
    process.env.NODE_COMPILE_CACHE = cache;
    const end = setup();
    let inside = '';
    try {
      inside = join(mkdtempSync(join(tmpdir(), 'validators-')), 'copy.cjs');
      writeFileSync(inside, 'module.exports = () => "copy";\n');
      // A script of its own loads both (an inline one would name both paths in its own entry).
      const loader = join(elsewhere, '..', 'load.cjs');
      writeFileSync(loader, 'for (const f of process.argv.slice(2)) require(f);\n');
      const r = spawnSync(process.execPath, [loader, inside, elsewhere], {
        env: { ...process.env, NODE_COMPILE_CACHE: cache },
      });
      expect(r.status, String(r.stderr)).toBe(0);
      expect(naming(cache, inside)).toBe(1);
      expect(naming(cache, elsewhere)).toBe(1);
    } finally {
      end();
      if (saved === undefined) delete process.env.NODE_COMPILE_CACHE;
      else process.env.NODE_COMPILE_CACHE = saved;
    }
    expect(naming(cache, inside)).toBe(0);
    expect(naming(cache, elsewhere)).toBe(1);
  });

  it('this run is inside one (what its globalSetup made)', () => {
    expect(tmpdir()).toMatch(/conformance-suites-[^/]+$/);
  });
});
