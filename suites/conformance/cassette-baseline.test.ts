import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/finding';
import { applyBaseline, loadBaseline, updatedBaseline } from '../../src/findings/baseline';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { loadCassette, loadCassettes } from '../../src/transport/cassette';
import { runCli } from '../support/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'cassettes-'));
const write = (name: string, body: string) => {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
};
const good = {
  label: 'x',
  source: 'test',
  origin: 'https://assistants.twilio.com',
  interactions: [
    {
      request: { method: 'GET', path: '/v1/Sessions', authenticated: true },
      response: { status: 200, headers: {}, body: {} },
    },
  ],
};

describe('cassettes', () => {
  it('the shipped cassettes load and say where they came from', () => {
    const shipped = loadCassettes(join(PROJECT_ROOT, 'suites/recordings'));
    expect(shipped.map((c) => c.source).sort()).toEqual(['docs-example', 'local-provider']);
  });

  it.each([
    ['not JSON', '{"label": ', /not valid JSON/],
    ['no label', JSON.stringify({ ...good, label: '' }), /\/label must be a non-empty string/],
    ['bad origin', JSON.stringify({ ...good, origin: 'nowhere' }), /\/origin is not a URL/],
    [
      'a TRACE',
      JSON.stringify({
        ...good,
        interactions: [
          {
            ...good.interactions[0],
            request: { method: 'TRACE', path: '/v1/Sessions', authenticated: true },
          },
        ],
      }),
      /\/interactions\/0\/request\/method must be one of GET, POST, PUT, PATCH, DELETE/,
    ],
    [
      'bad status',
      JSON.stringify({
        ...good,
        interactions: [{ ...good.interactions[0], response: { status: 9000, headers: {} } }],
      }),
      /\/interactions\/0\/response\/status must be an HTTP status/,
    ],
    [
      'a credential',
      JSON.stringify({
        ...good,
        interactions: [
          {
            ...good.interactions[0],
            request: { ...good.interactions[0]?.request, authorization: 'Basic x' },
          },
        ],
      }),
      /carries an Authorization header/,
    ],
  ])('a hand-edited cassette with %s is one clear error naming the file', (_what, body, message) => {
    const file = write('bad.json', body);
    expect(() => loadCassette(file)).toThrow(message);
    expect(() => loadCassette(file)).toThrow(file);
  });
});

const finding = (target: string, actual: unknown = 'key'): Finding => ({
  rule: 'list.meta-key',
  severity: 'error',
  category: 'contract',
  source: 'twilio convention',
  operation: 'GET /v1/Sessions',
  pointer: '/meta/key',
  target,
  actual,
  message: 'meta.key is wrong',
});

describe('baseline', () => {
  const entry = {
    rule: 'list.meta-key',
    operation: 'GET /v1/Sessions',
    pointer: '/meta/key',
    target: 'recorded:docs-examples',
    actual: 'key',
    reason: 'docs defect',
  };

  it('accepts a finding in scope and never the same defect from another target', () => {
    const { findings } = applyBaseline(
      [finding('recorded:docs-examples'), finding('live')],
      [entry],
      new Set(['recorded:docs-examples', 'live']),
    );
    expect(findings[0]?.accepted).toEqual({ reason: 'docs defect' });
    expect(findings[1]?.accepted).toBeUndefined();
  });

  it('does not accept another observed value', () => {
    expect(
      applyBaseline(
        [finding('recorded:docs-examples', 'items')],
        [entry],
        new Set(['recorded:docs-examples']),
      ).findings[0]?.accepted,
    ).toBeUndefined();
  });

  it('an expired entry counts again; one that matches nothing is stale', () => {
    const expired = { ...entry, expires: '2020-01-01' };
    const out = applyBaseline(
      [finding('recorded:docs-examples')],
      [expired, { ...entry, target: 'live' }],
      new Set(['recorded:docs-examples', 'live']),
      new Date('2026-01-01'),
    );
    expect(out.findings[0]?.accepted).toMatchObject({ expired: true });
    expect(out.expired).toEqual([expired]);
    expect(out.stale).toEqual([{ ...entry, target: 'live' }]);
  });

  it('--update-baseline keeps reasons already given and adds new errors for review', () => {
    const next = updatedBaseline(
      [finding('recorded:docs-examples'), finding('live')],
      [entry],
      new Set(['recorded:docs-examples', 'live']),
    );
    expect(next.entries).toEqual([
      entry,
      { ...entry, target: 'live', reason: 'TODO: say why this is accepted' },
    ]);
  });

  it('a run judges only the targets it evaluated: other targets’ entries are kept verbatim, never stale', () => {
    const live = new Set(['live']);
    expect(applyBaseline([finding('live', 'x')], [entry], live).stale).toEqual([]);
    expect(updatedBaseline([], [entry], live).entries).toEqual([entry]);
    expect(updatedBaseline([finding('live')], [entry], live).entries).toEqual([
      entry,
      { ...entry, target: 'live', reason: 'TODO: say why this is accepted' },
    ]);
  });

  it('reads entries written with "check" as the rule name', () => {
    const { rule, ...rest } = entry;
    expect(loadBaseline(write('old.json', JSON.stringify({ entries: [{ check: rule, ...rest }] })))).toEqual([
      entry,
    ]);
  });

  it('a broken baseline file is one clear error', () => {
    expect(() => loadBaseline(write('baseline.json', '{"entries": [{"rule": "x"}]}'))).toThrow(
      /\/entries\/0 needs a "reason"/,
    );
    expect(() => loadBaseline(write('baseline2.json', '[]'))).toThrow(/expected \{"entries"/);
  });
});

describe('--update-baseline on a narrowed run', () => {
  const shipped = join(PROJECT_ROOT, 'suites/baseline.json');
  it.each([[['--only', 'response.schema']], [['--resource', 'Tools']]])(
    '%j keeps every reviewed entry it did not judge',
    async (narrowing) => {
      const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
      const file = join(dir, 'baseline.json');
      writeFileSync(file, readFileSync(shipped, 'utf8'));
      // The reviewed entries are the docs examples' own: that cassette alone is the run.
      const recordings = join(dir, 'recordings');
      mkdirSync(recordings);
      copyFileSync(
        join(PROJECT_ROOT, 'suites/recordings/docs-examples.json'),
        join(recordings, 'docs-examples.json'),
      );
      const r = await runCli('conformance', [
        ...narrowing,
        '--recordings',
        recordings,
        '--baseline',
        file,
        '--update-baseline',
        '--report-dir',
        dir,
        '--allow-unjudged',
      ]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(loadBaseline(file)).toEqual(loadBaseline(shipped));
    },
  );

  it('an outage never becomes an accepted entry', () => {
    const outage: Finding = {
      rule: 'transport.network',
      severity: 'error',
      category: 'network',
      source: 'the transport',
      operation: 'GET /v1/Sessions',
      target: 'live',
      message: 'connection refused',
    };
    expect(updatedBaseline([outage], [], new Set(['live'])).entries).toEqual([]);
  });
});
