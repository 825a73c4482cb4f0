// What a person meets at a terminal: a flag npm kept for itself (before "--") stops the command
// with the command meant; a clone without dist/ says to run npm ci; a provider whose npm is stopped
// stops too; npm test names the reason of every skipped test.

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestCase } from 'vitest/node';
import { swallowedByNpm } from '../../src/cli/run';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { type CliResult, outcomeOf, runCli } from '../support/fixtures';
import { skipReason } from '../support/reporter';

describe('flags npm kept for itself', () => {
  const options = {
    target: { type: 'string' },
    'no-pagination': { type: 'boolean' },
    seed: { type: 'string' },
  } as const;
  const under = (env: NodeJS.ProcessEnv) => ({
    command: 'conformance',
    env: { npm_lifecycle_event: 'conformance', ...env },
  });

  it('`npm run conformance --target=live` stops with the command meant, flags after "--"', () => {
    expect(swallowedByNpm(options, [], under({ npm_config_target: 'live' }))).toBe(
      'npm kept --target=live for itself (npm_config_target) and the command never saw it: flags go after "--": npm run conformance -- --target live',
    );
    expect(
      swallowedByNpm(options, ['--seed', '3'], under({ npm_config_pagination: '', npm_config_seed: '9' })),
    ).toMatch(
      /npm kept --no-pagination for itself \(npm_config_pagination\).*npm run conformance -- --no-pagination --seed 3$/,
    );
  });

  it('`npm run conformance --target local`: npm took --target alone and passed on "local"; the command meant is rebuilt from both', () => {
    // npm sets npm_config_target=true and hands the command the word "local".
    expect(swallowedByNpm(options, ['local'], under({ npm_config_target: 'true' }))).toBe(
      'npm kept --target for itself (npm_config_target) and the command never saw it: flags go after "--": npm run conformance -- --target local',
    );
    // With a boolean flag npm kept too, and flags given after "--".
    expect(
      swallowedByNpm(
        { ...options, 'list-checks': { type: 'boolean' } },
        ['local', '--seed', '3'],
        under({ npm_config_target: 'true', npm_config_list_checks: 'true' }),
      ),
    ).toMatch(/: npm run conformance -- --target local --list-checks --seed 3$/);
    // --target=local and --seed 3 before "--": each flag with its own value.
    expect(
      swallowedByNpm(options, ['3'], under({ npm_config_target: 'local', npm_config_seed: 'true' })),
    ).toMatch(
      /^npm kept --target=local, --seed for itself .*: npm run conformance -- --target local --seed 3$/,
    );
  });

  it('which word npm passed on is whose value cannot be told for two flags: the command meant names both values, pairing none', () => {
    // npm's variables do not keep the order the flags were typed in.
    expect(
      swallowedByNpm(options, ['3', 'local'], under({ npm_config_target: 'true', npm_config_seed: 'true' })),
    ).toBe(
      'npm kept --target, --seed for itself (npm_config_target, npm_config_seed) and the command never saw them: flags go after "--": npm run conformance -- --target <value> --seed <value> (npm passed on 3 local: each is the value of one of them)',
    );
    // A flag given no value at all.
    expect(swallowedByNpm(options, [], under({ npm_config_target: 'true' }))).toMatch(
      /: npm run conformance -- --target <value>$/,
    );
  });

  it('nothing is said when the flag was given after "--", or outside the command’s own npm script', () => {
    expect(
      swallowedByNpm(options, ['--target', 'live'], under({ npm_config_target: 'live' })),
    ).toBeUndefined();
    expect(swallowedByNpm(options, [], under({ npm_config_cafile: '/etc/ca.pem' }))).toBeUndefined();
    const elsewhere = {
      command: 'conformance',
      env: { npm_lifecycle_event: 'test', npm_config_target: 'x' },
    };
    expect(swallowedByNpm(options, [], elsewhere)).toBeUndefined();
  });

  it('as the command: one line, exit 2, nothing run', async () => {
    const r = await runCli('conformance', ['--list-checks'], {
      npm_lifecycle_event: 'conformance',
      npm_config_target: 'live',
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'conformance: npm kept --target=live for itself (npm_config_target) and the command never saw it: flags go after "--": npm run conformance -- --target live --list-checks\n',
    );
  });
});

/** Runs `node args…` in `cwd`: status and output. */
const node = (args: string[], cwd = PROJECT_ROOT): Promise<CliResult> =>
  outcomeOf(spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));

describe('processes', () => {
  it('a clone without dist/: one line saying to run npm ci, exit 2, no stack trace', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'no-dist-'));
    mkdirSync(join(clone, 'bin'));
    // What a clone holds before npm ci: the launcher, the Node check it runs first, package.json.
    for (const file of ['bin/cli.mjs', 'bin/check-node.mjs', 'package.json'])
      copyFileSync(join(PROJECT_ROOT, file), join(clone, file));
    const r = await node(['bin/cli.mjs', 'conformance', '--target', 'local'], clone);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `conformance: ${join(clone, 'dist/cli/conformance.mjs')} is not built: run npm ci (it builds dist/), or npm run build\n`,
    );
    // Built, the same launcher runs the command with its arguments.
    const built = await node(['bin/cli.mjs', 'conformance', '--list-checks']);
    expect(built.status).toBe(0);
    expect(built.stdout).toMatch(/^transport\.network /);
  });

  it('npm run provider stops when its parent (npm) is stopped, leaving no server on the port', async () => {
    // A parent that ends while its child serves: a shell started the provider and is killed.
    const shell = spawn('sh', ['-c', `"${process.execPath}" bin/cli.mjs provider --port 0 & echo $!; wait`], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // Its pid, then (once it serves) its first line.
    const output: string[] = [];
    await new Promise<void>((resolve) =>
      shell.stdout.on('data', (d) => {
        output.push(String(d));
        if (/reference provider on/.test(output.join(''))) resolve();
      }),
    );
    const pid = Number(output.join('').split('\n')[0]);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    shell.kill('SIGKILL');
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gone = !alive();
    }
    if (!gone) process.kill(pid, 'SIGKILL');
    expect(gone).toBe(true);
  });
});

describe('npm test’s summary of skipped tests', () => {
  const test = (o: { name: string; note?: string; mode?: string; parents?: string[] }): TestCase => {
    let parent: { type: string; name?: string; parent?: unknown } = { type: 'module' };
    for (const name of [...(o.parents ?? [])].reverse()) parent = { type: 'suite', name, parent };
    return {
      type: 'test',
      name: o.name,
      parent,
      options: { mode: o.mode ?? 'skip' },
      result: () => ({ state: 'skipped', note: o.note }),
    } as unknown as TestCase;
  };

  it('the reason is the skip’s note, else the "(skipped: …)" its title or a suite’s title ends with', () => {
    expect(skipReason(test({ name: 'x', note: 'needs a sandbox' }))).toBe('needs a sandbox');
    const inSuite = test({
      name: 'x',
      parents: ['real sources (skipped: needs the openapi spec at /s)', 'inner'],
    });
    expect(skipReason(inSuite)).toBe('needs the openapi spec at /s');
    expect(skipReason(test({ name: 'y' }))).toBe('no reason given');
    expect(skipReason(test({ name: 'z', mode: 'todo' }))).toBe('todo');
  });
});
