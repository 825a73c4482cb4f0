// Last night's traffic against tonight's: a field every item carried yesterday and none carries today
// is a breaking removal; gone while an undocumented field of the same type took its place, a breaking
// rename; always → sometimes, a warning; two faithful nights are quiet. The sources call every answered
// field optional, so one night's conformance cannot see any of this: two nights can.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSides } from '../../src/drift/diff';
import { type ObservedExchange, observeExchanges } from '../../src/drift/infer';
import { trafficSide } from '../../src/drift/sides';
import { levelOf } from '../../src/drift/table';
import type { Finding } from '../../src/finding';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { runCli } from '../support/fixtures';

const SESSION = 'GET /v1/Sessions';
const session = (k: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: `guest-${k}`,
  account_sid: `AC${'0123456789abcdef'.repeat(2)}`,
  assistant_id: `aia_asst_${k}`,
  verified: k % 2 === 0,
  identity: `email:guest${k}@example.com`,
  date_created: '2025-03-01T10:00:00Z',
  date_updated: `2025-03-0${1 + (k % 8)}T10:00:00Z`,
  ...extra,
});
/** One night: a list page of these sessions, as a run's traffic. */
const night = (label: string, items: ReadonlyArray<Record<string, unknown>>) => {
  const page: ObservedExchange = {
    operation: SESSION,
    path: '/v1/Sessions',
    itemsKey: 'sessions',
    kind: 'list',
    status: 200,
    json: { sessions: items, meta: { key: 'sessions', page: 0, page_size: 50, next_page_url: null } },
  };
  return trafficSide(label, observeExchanges([page]));
};
const without = (field: string) => (s: Record<string, unknown>) => {
  const { [field]: _gone, ...rest } = s;
  return rest;
};
const renamed = (from: string, to: string) => (s: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k === from ? to : k, v]));
const nights = (a: ReadonlyArray<Record<string, unknown>>, b: ReadonlyArray<Record<string, unknown>>) =>
  diffSides(night('last.json', a), night('tonight.json', b), {
    documented: () => new Set(Object.keys(session(0))),
  });
const brief = (fs: readonly Finding[]) => fs.map((f) => `${f.rule} ${f.pointer} ${levelOf(f)}`);

const lastNight = Array.from({ length: 6 }, (_, k) => session(k));

describe('two nights of traffic, field by field', () => {
  it('two faithful nights are quiet: other values, other counts, optional fields sometimes there', () => {
    const tonight = Array.from({ length: 9 }, (_, k) => session(k + 40));
    expect(nights(lastNight, tonight)).toEqual([]);
    const sometimes = (items: Array<Record<string, unknown>>) =>
      items.map((s, k) => (k % 3 === 0 ? without('verified')(s) : s));
    expect(nights(sometimes(lastNight), sometimes(tonight))).toEqual([]);
  });

  it('a field on every item last night and on none tonight is a breaking removal', () => {
    const found = nights(lastNight, lastNight.map(without('date_updated')));
    expect(brief(found)).toEqual(['drift.response-observed-field-remove /date_updated breaking']);
    expect(found[0]).toMatchObject({ operation: SESSION, expected: 'on 6 of 6', actual: 'on 0 of 6' });
  });

  it('gone while an undocumented field of the same type appears in its place: a breaking rename, said once', () => {
    const found = nights(lastNight, lastNight.map(renamed('identity', 'user_identity')));
    expect(brief(found)).toEqual(['drift.response-observed-field-rename /identity breaking']);
    expect(found[0]).toMatchObject({ expected: 'identity', actual: 'user_identity' });
  });

  it('of two fields gone and two of the same type appeared, each is paired with the one where it was', () => {
    const moved = lastNight.map((s) => renamed('identity', 'who')(renamed('assistant_id', 'assistant')(s)));
    const found = nights(lastNight, moved);
    expect(found.map((f) => [f.pointer, f.actual])).toEqual([
      ['/assistant_id', 'assistant'],
      ['/identity', 'who'],
    ]);
  });

  it('a field of another type taking a field’s place is a removal, and the newcomer is news (info)', () => {
    const found = nights(
      lastNight,
      lastNight.map((s) => ({ ...without('verified')(s), verified_at: 3 })),
    );
    expect(brief(found).sort()).toEqual([
      'drift.response-field-seen /verified_at info',
      'drift.response-observed-field-remove /verified breaking',
    ]);
  });

  it('always → sometimes is a warning; a type or null never seen before is breaking', () => {
    const tonight = lastNight.map((s, k) => (k === 2 ? without('identity')(s) : s));
    expect(brief(nights(lastNight, tonight))).toEqual([
      'drift.response-observed-field-narrow /identity warning',
    ]);
    const nulls = lastNight.map((s, k) => (k === 1 ? { ...s, verified: null } : s));
    expect(brief(nights(lastNight, nulls))).toEqual([
      'drift.response-observed-type-change /verified breaking',
    ]);
  });

  it('a field only sometimes there last night says nothing when it is gone tonight (optional is optional)', () => {
    const sometimes = lastNight.map((s, k) => (k % 2 ? without('verified')(s) : s));
    expect(nights(sometimes, lastNight.map(without('verified')))).toEqual([]);
  });

  it('a documented field appearing is quiet; one no source documents is info', () => {
    const last = lastNight.map(without('verified'));
    expect(nights(last, lastNight)).toEqual([]);
    expect(
      brief(
        nights(
          lastNight,
          lastNight.map((s) => ({ ...s, region: 'eu' })),
        ),
      ),
    ).toEqual(['drift.response-field-seen /region info']);
  });
});

describe('npm run drift on two nights, as the nightly workflow runs it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nights-'));
  const recordings = join(PROJECT_ROOT, 'suites/recordings/local-provider.json');

  /** A recordings folder holding the shipped cassette with every Session body edited. */
  function tonight(name: string, edit: (s: Record<string, unknown>) => Record<string, unknown>): string {
    const cassette = JSON.parse(readFileSync(recordings, 'utf8')) as {
      interactions: Array<{ request: { method: string; path: string }; response: { body?: unknown } }>;
    };
    for (const { request, response } of cassette.interactions) {
      if (request.method !== 'GET' || !request.path.startsWith('/v1/Sessions')) continue;
      const body = response.body as Record<string, unknown> | undefined;
      if (Array.isArray(body?.sessions)) body.sessions = body.sessions.map(edit);
      else if (body && !request.path.includes('/Messages') && typeof body.id === 'string')
        response.body = edit(body);
    }
    const folder = join(dir, name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'local-provider.json'), JSON.stringify(cassette));
    return folder;
  }

  /** Conformance on a recordings folder: its report is the night's traffic. */
  async function conformance(folder: string): Promise<string> {
    const reports = join(folder, 'reports');
    const r = await runCli('conformance', [
      '--recordings',
      folder,
      '--resource',
      'Sessions',
      '--report-dir',
      reports,
    ]);
    // The sources call every Session field optional: one night alone passes.
    expect(r.status, r.stderr).toBe(0);
    return join(reports, 'conformance.json');
  }

  it('Sessions that lost date_updated and renamed identity: conformance passes, the nights’ drift is breaking (exit 1)', async () => {
    const last = join(dir, 'last');
    mkdirSync(last);
    copyFileSync(recordings, join(last, 'local-provider.json'));
    const lastJson = await conformance(last);
    const broken = await conformance(
      tonight('broken', (s) => renamed('identity', 'user_identity')(without('date_updated')(s))),
    );
    const r = await runCli('drift', ['--from', lastJson, '--to', broken, '--json']);
    expect(r.status).toBe(1);
    const { changes, compared } = JSON.parse(r.stdout) as {
      changes: Finding[];
      compared: { both: string[] };
    };
    expect(compared.both).toContain('GET /v1/Sessions');
    const breaking = changes.filter((c) => levelOf(c) === 'breaking');
    expect(breaking.map((c) => `${c.operation} ${c.rule} ${c.pointer}`).sort()).toEqual([
      'GET /v1/Sessions drift.response-observed-field-remove /date_updated',
      'GET /v1/Sessions drift.response-observed-field-rename /identity',
      'GET /v1/Sessions/{id} drift.response-observed-field-remove /date_updated',
      'GET /v1/Sessions/{id} drift.response-observed-field-rename /identity',
    ]);
  });

  it('two faithful nights of the reference provider (other seeds, other data): exit 0, "No drift."', async () => {
    const run = async (seed: string) => {
      const reports = join(dir, `seed-${seed}`);
      const r = await runCli('conformance', [
        '--target',
        'local',
        '--seed',
        seed,
        '--read-only',
        '--no-pagination',
        '--report-dir',
        reports,
      ]);
      expect(r.status, r.stderr).toBe(0);
      return join(reports, 'conformance.json');
    };
    const r = await runCli('drift', ['--from', await run('11'), '--to', await run('12')]);
    expect(r.stdout).toMatch(/^Compared 15 operation\(s\) both describe: /m);
    expect(r.stdout).toMatch(/^No drift\.$/m);
    expect(r.status).toBe(0);
  });
});
