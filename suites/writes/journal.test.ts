// A journal that cannot be written (issue #28): the disk fills up under a run that writes. No write
// is sent that the journal could not announce; what the run made is still undone (from memory), the
// run ends with one line and exit 2, and the journal it leaves (a torn last line) is one a later
// cleanup reads. Shown twice: with writes that fail (a preloaded fs, any machine) and on a real full
// file system (a tiny tmpfs, where the machine lets the suite mount one).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/run/journal';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { runCli, runProcess } from '../support/fixtures';
import {
  cleanupRun,
  hostileProxy,
  journalIn,
  lastLine,
  secretsOnDisk,
  writingFlags,
} from '../support/hostile';
import { contract } from '../support/provider';
import { creds, env, expectLeftAsFound, provider, snapshot } from '../support/writes';

const FULL_DISK = join(PROJECT_ROOT, 'suites/support/full-disk.cjs');

/** `npm run conformance` writing through a proxy, as a process whose journal writes fail after `after` lines. */
async function runOnFullDisk(after: number) {
  const p = await provider(3);
  const before = await snapshot(p, contract);
  const proxy = await hostileProxy(p.url);
  const dir = mkdtempSync(join(tmpdir(), 'full-disk-'));
  const run = await runProcess('conformance', writingFlags(proxy.url, dir), {
    ...env,
    CONFORMANCE_JOURNAL_DIR: join(dir, 'default'),
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${FULL_DISK}`,
    FULL_DISK_PATH: join(dir, 'journal'),
    FULL_DISK_AFTER: String(after),
  });
  return { p, before, proxy, run, dir, journalDir: join(dir, 'journal') };
}

/** Writes that may make something (announced in the journal before they are sent) the proxy saw. */
const makes = (seen: Array<{ method: string }>) => seen.filter((a) => a.method === 'POST').length;

describe('a journal that cannot be written (the disk is full)', () => {
  it('mid-run: no write sent that it could not announce, what was made undone, one line, exit 2; a later cleanup reads the torn journal', async () => {
    const { p, before, proxy, run, dir, journalDir } = await runOnFullDisk(25);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /^conformance: journal \S+: cannot be written \(ENOSPC\): writing stopped; what the run made was undone, each removal read back\n$/,
    );
    expect(run.stdout).not.toMatch(/PASSED/);
    const { file } = journalIn(journalDir);
    const damaged: string[] = [];
    const entries = readJournal(file, damaged);
    expect(entries).toHaveLength(25);
    expect(damaged).toEqual([expect.stringMatching(/^line 26 \(torn: no end of line\)/)]);
    // Every create, attach or message sent was announced first; nothing was sent after the failure.
    expect(makes(proxy.seen)).toBe(entries.filter((e) => e.kind === 'intent').length);
    expectLeftAsFound(contract, before, await snapshot(p, contract));
    expect(secretsOnDisk([dir], creds.password, creds.username)).toEqual([]);
    // Once the disk has room, the cleanup the run would print reads the torn journal and closes it.
    const later = await cleanupRun(proxy.url, journalDir);
    expect(later.status, later.stdout).toBe(0);
    expect(later.stdout).toMatch(/skipped line 26 \(torn: no end of line\)/);
    expect(lastLine(later)).toMatch(/^cleaned up: nothing the runs of this account and host made is left/);
    expect(readJournal(file).at(-1)?.kind).toBe('done');
  });

  it('from its first line: nothing is sent at all, one line, exit 2', async () => {
    const { proxy, run } = await runOnFullDisk(0);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^conformance: journal \S+: cannot be written \(ENOSPC\); nothing was sent\n$/,
    );
    expect(proxy.seen).toEqual([]);
  });

  it.skipIf(!canMount())('on a real full file system (a 16 KiB tmpfs): the same', async () => {
    const p = await provider(3);
    const before = await snapshot(p, contract);
    const proxy = await hostileProxy(p.url);
    const dir = mkdtempSync(join(tmpdir(), 'tmpfs-'));
    const journalDir = join(dir, 'journal');
    mkdirSync(journalDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', journalDir]);
    try {
      const run = await runCli('conformance', writingFlags(proxy.url, dir), {
        ...env,
        CONFORMANCE_JOURNAL_DIR: join(dir, 'default'),
      });
      expect(run.status, run.stdout).toBe(2);
      expect(run.stderr).toMatch(
        /^conformance: journal \S+: cannot be written \((ENOSPC|short write: the disk is full)\): writing stopped; what the run made was undone/,
      );
      const entries = readJournal(journalIn(journalDir).file);
      expect(makes(proxy.seen)).toBe(entries.filter((e) => e.kind === 'intent').length);
      expectLeftAsFound(contract, before, await snapshot(p, contract));
      expect(readFileSync(journalIn(journalDir).file, 'utf8')).not.toContain(creds.password);
    } finally {
      execFileSync('umount', [journalDir]);
    }
  });
});

/** Whether this machine lets the suite mount a tmpfs (root in a container that allows it). */
function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
