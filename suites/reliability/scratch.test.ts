// The suites leave nothing in the machine's temporary folder: every folder they make goes into one
// scratch folder of the run (suites/support/scratch.ts), removed when the run ends.

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import setup from '../support/scratch';

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

  it('this run is inside one (what its globalSetup made)', () => {
    expect(tmpdir()).toMatch(/conformance-suites-[^/]+$/);
  });
});
