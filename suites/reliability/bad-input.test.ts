// Bad input is one line naming the file or variable and what is wrong, exit 2, and no report.

import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { runCli } from '../support/fixtures';

function schemasCopy(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemas-'));
  cpSync(join(PROJECT_ROOT, 'schemas'), dir, { recursive: true });
  edit(dir);
  return dir;
}
// biome-ignore lint/suspicious/noExplicitAny: tests edit fixture JSON freely
const editJson = (file: string, fn: (d: any) => void) => {
  const d = JSON.parse(readFileSync(file, 'utf8'));
  fn(d);
  writeFileSync(file, JSON.stringify(d));
};

async function expectBadInput(args: string[], message: RegExp) {
  const reports = join(mkdtempSync(join(tmpdir(), 'reports-')), 'out');
  const r = await runCli('conformance', [...args, '--report-dir', reports]);
  expect(r.status, r.stdout + r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(existsSync(reports) ? readdirSync(reports) : []).toEqual([]);
}

describe('bad input, one clear line each', () => {
  it('a schema file that is not JSON', async () => {
    const dir = schemasCopy((d) =>
      writeFileSync(join(d, 'openapi/fetch-session.response.schema.json'), '{"type": "obj'),
    );
    await expectBadInput(
      ['--schemas', dir],
      /^conformance: .*fetch-session\.response\.schema\.json: not valid JSON/,
    );
  });

  it('a schema that is not a valid JSON Schema', async () => {
    const dir = schemasCopy((d) =>
      editJson(
        join(d, 'openapi/fetch-session.response.schema.json'),
        (s) => (s.properties.account_sid.minLength = 'thirty-four'),
      ),
    );
    await expectBadInput(
      ['--schemas', dir],
      /fetch-session\.response\.schema\.json: not a valid JSON Schema \(data\/properties\/account_sid\/minLength must be integer\)/,
    );
  });

  it('a schema whose $ref leads nowhere', async () => {
    const dir = schemasCopy((d) =>
      editJson(
        join(d, 'openapi/list-sessions.response.schema.json'),
        (s) => (s.properties.sessions.items = { $ref: 'nowhere.schema.json' }),
      ),
    );
    await expectBadInput(
      ['--schemas', dir],
      /list-sessions\.response\.schema\.json: does not compile \(can't resolve reference nowhere\.schema\.json/,
    );
  });

  it('a model file that is not one', async () => {
    const dir = schemasCopy((d) => writeFileSync(join(d, 'model.json'), '{"operations": 3}'));
    await expectBadInput(['--schemas', dir], /^conformance: .*model\.json: not a model file/);
  });

  it.each([
    ['a file', (d: string) => join(d, 'file')],
    ['a path below a file', (d: string) => join(d, 'file', 'sub')],
  ])('a --report-dir naming %s, before any request is sent', async (_what, target) => {
    const d = mkdtempSync(join(tmpdir(), 'rd-'));
    writeFileSync(join(d, 'file'), 'x');
    const r = await runCli('conformance', ['--target', 'local', '--report-dir', target(d)]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^conformance: --report-dir .*: not a writable folder/);
    expect(r.stdout).not.toMatch(/▶/);
  });

  it('a hand-edited cassette', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recordings-'));
    cpSync(join(PROJECT_ROOT, 'suites/recordings/docs-examples.json'), join(dir, 'docs-examples.json'));
    editJson(join(dir, 'docs-examples.json'), (c) => (c.interactions[0].response.status = 'OK'));
    await expectBadInput(
      ['--recordings', dir],
      /^conformance: cassette .*docs-examples\.json: \/interactions\/0\/response\/status must be an HTTP status/,
    );
  });

  it('a broken baseline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
    writeFileSync(
      join(dir, 'baseline.json'),
      '{"entries": [{"rule": "x", "reason": "r", "expires": "soon"}]}',
    );
    await expectBadInput(
      ['--baseline', join(dir, 'baseline.json')],
      /^conformance: baseline .*: \/entries\/0 "expires" must be YYYY-MM-DD/,
    );
  });

  it('an API key of the wrong shape', async () => {
    const reports = join(mkdtempSync(join(tmpdir(), 'reports-')), 'out');
    const r = await runCli('conformance', ['--target', 'live', '--report-dir', reports], {
      TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
      TWILIO_API_KEY: 'key-123',
      TWILIO_API_SECRET: 'secret',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('conformance: TWILIO_API_KEY: expected "SK" followed by 32 hex digits');
  });
});

describe('hostile files', () => {
  it.each([
    ['a symlink to /dev/zero', (file: string) => symlinkSync('/dev/zero', file), /not a regular file/],
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file]), /not a regular file/],
  ])('a cassette that is %s: one line, exit 2, at once', async (_name, make, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    make(join(dir, 'evil.json'));
    const started = Date.now();
    await expectBadInput(['--recordings', dir], message);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a cassette with a bad percent-escape in a path: classified findings and reports, no crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'escape-'));
    writeFileSync(
      join(dir, 'escape.json'),
      JSON.stringify({
        label: 'bad escape',
        source: 'test',
        origin: 'https://assistants.twilio.com',
        interactions: [
          {
            request: { method: 'GET', path: '/v1/Sessions/%E0%A4%A', authenticated: true },
            response: {
              status: 404,
              headers: { 'content-type': 'application/json' },
              body: {
                code: 20404,
                message: 'x',
                more_info: 'https://www.twilio.com/docs/errors/20404',
                status: 404,
              },
            },
          },
        ],
      }),
    );
    const reports = mkdtempSync(join(tmpdir(), 'escape-reports-'));
    const r = await runCli('conformance', ['--recordings', dir, '--report-dir', reports]);
    expect([0, 1]).toContain(r.status);
    expect(existsSync(join(reports, 'conformance.json'))).toBe(true);
  });
});

describe('sources a validator would refuse: one line naming where, exit 2', () => {
  const fixtures = join(PROJECT_ROOT, 'suites/fixtures');
  it('a spec with an empty enum, for schemas and drift alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enum-'));
    const spec = JSON.parse(readFileSync(join(fixtures, 'drift/widgets.openapi.json'), 'utf8'));
    spec.components.schemas.session.properties.status.enum = [];
    // The spec alone: the fixture docs page states its own constraints.
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    for (const [cmd, args] of [
      [
        'schemas',
        [
          '--spec',
          file,
          '--docs',
          join(fixtures, 'docs/widgets-resource.docs.txt'),
          '--out',
          join(dir, 'out'),
          '--report-dir',
          join(dir, 'r'),
        ],
      ],
      ['drift', ['--from', file, '--to', file]],
    ] as const) {
      const r = await runCli(cmd, [...args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        /spec\.json: #\/components\/schemas\/session\/properties\/status: "enum" lists no value\n$/,
      );
    }
  });

  it('a docs page whose Pattern is not a regular expression', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-'));
    const page = readFileSync(join(fixtures, 'docs/widgets-resource.docs.txt'), 'utf8').replace(
      /Pattern: \S+/,
      'Pattern: ^WG[0-9a-f',
    );
    const file = join(dir, 'bad.docs.txt');
    writeFileSync(file, page);
    const r = await runCli('schemas', [
      '--spec',
      join(fixtures, 'drift/widgets.openapi.json'),
      '--docs',
      file,
      '--out',
      join(dir, 'out'),
      '--report-dir',
      join(dir, 'r'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^schemas: .*bad\.docs\.txt:\d+: constraint "Pattern" is not a valid regular expression: "\^WG\[0-9a-f[^\n]*\n$/,
    );
  });
});

describe('bounded work on legal-size input', () => {
  it('a spec whose schemas each reference the next level twice, 20 levels deep: one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refs-'));
    const schemas: Record<string, unknown> = { s20: { type: 'string' } };
    for (let k = 0; k < 20; k++)
      schemas[`s${k}`] = {
        type: 'object',
        properties: {
          a: { $ref: `#/components/schemas/s${k + 1}` },
          b: { $ref: `#/components/schemas/s${k + 1}` },
        },
      };
    const spec = {
      openapi: '3.0.1',
      info: { title: 'refs', version: '1' },
      paths: {
        '/v1/Things/{id}': {
          get: {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
            responses: {
              '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/s0' } } } },
            },
          },
        },
      },
      components: { schemas },
    };
    const file = join(dir, 'refs.json');
    writeFileSync(file, JSON.stringify(spec));
    // One importer serves schemas and drift alike: one command shows the bound.
    const r = await runCli('schemas', [
      '--spec',
      file,
      '--out',
      join(dir, 'out'),
      '--report-dir',
      join(dir, 'r'),
    ]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/refs\.json: .*\$ref expansion exceeds 200000 schema nodes\n$/);
    // Two whole specs compared at full depth read them through the same converter.
    const d = await runCli('drift', ['--from', file, '--to', file]);
    expect(d.status, d.stderr).toBe(2);
    expect(d.stderr).toMatch(/^drift: refs\.json: .*\$ref expansion exceeds 200000 schema nodes\n$/);
  });

  it('a YAML spec that expands aliases without end: one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaml-bomb-'));
    const lines = [
      'openapi: 3.0.1',
      'info: {title: bomb, version: "1"}',
      'paths: {}',
      'x0: &a0 [x, x, x, x, x, x, x, x, x, x]',
    ];
    for (let k = 1; k < 12; k++)
      lines.push(
        `x${k}: &a${k} [${Array(10)
          .fill(`*a${k - 1}`)
          .join(', ')}]`,
      );
    const file = join(dir, 'bomb.yaml');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const d = await runCli('drift', ['--from', file, '--to', file]);
    expect(d.status, d.stderr).toBe(2);
    expect(d.stderr).toMatch(/^drift: .*bomb\.yaml: neither JSON nor YAML \(.*alias/i);
  });
});
