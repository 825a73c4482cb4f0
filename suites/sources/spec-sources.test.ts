// The sources of a run: --spec FILE|URL (JSON or YAML) and --docs FILE|DIR select them, on every
// command that reads them; nothing of another API applies (a docs page of another host found in the
// sources folder is left out and said so); what cannot be read is one line and exit 2. URLs are
// served from 127.0.0.1 here, never fetched from the internet.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourcePaths } from '../../src/sources/paths';
import { readSpec } from '../../src/sources/spec';
import { FIXTURES, runCli } from '../support/fixtures';

const SPECS = join(FIXTURES, 'specs/twilio-oai');
const CONVERSATIONS = join(SPECS, 'twilio_conversations_v1.subset.json');
const MESSAGING_YAML = join(SPECS, 'twilio_messaging_v1.subset.yaml');
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `${name}-`));

/** A folder of sources as a team keeps it: one product's spec, and a page of another API. */
function sourcesFolder(): string {
  const dir = tmp('sources');
  copyFileSync(join(FIXTURES, 'docs/session-messages-resource.docs.txt'), join(dir, 'messages.docs.txt'));
  return dir;
}

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const files: Record<string, [string, string]> = {
      '/conversations.json': [CONVERSATIONS, 'application/json'],
      '/messaging.yaml': [MESSAGING_YAML, 'application/yaml'],
    };
    const hit = files[req.url ?? ''];
    if (req.url === '/not-a-spec.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello": "world"}');
      return;
    }
    if (!hit) {
      res.writeHead(404).end('not here');
      return;
    }
    res.writeHead(200, { 'content-type': hit[1] }).end(readFileSync(hit[0]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a spec from a URL', () => {
  it('reads JSON and YAML over http, the same documents as the files', async () => {
    const json = await readSpec(`${base}/conversations.json`);
    expect(json.doc).toEqual(JSON.parse(readFileSync(CONVERSATIONS, 'utf8')));
    const yaml = await readSpec(`${base}/messaging.yaml`);
    expect(Object.keys(yaml.doc.paths as object)).toContain('/v1/Services/Usecases');
  });

  it('builds the schemas of the API it serves (schemas --spec URL)', async () => {
    const out = tmp('schemas');
    const r = await runCli(
      'schemas',
      ['--spec', `${base}/messaging.yaml`, '--out', out, '--report-dir', tmp('r')],
      {
        TWILIO_SOURCES_DIR: sourcesFolder(),
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Twilio Messaging v1: \d+ GET and \d+ write operations/m);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(model.api.origin).toBe('https://messaging.twilio.com');
  });

  it.each([
    ['/nowhere.json', /openapi spec http:\/\/127\.0\.0\.1:\d+\/nowhere\.json: the server answered 404/],
    ['/not-a-spec.json', /not an OpenAPI 3 document/],
  ])('%s: one line, exit 2, nothing written', async (path, message) => {
    const out = join(tmp('schemas'), 'out');
    const r = await runCli('schemas', ['--spec', `${base}${path}`, '--out', out, '--report-dir', tmp('r')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('conformance --spec URL --target local (the README’s form): the product the URL serves, judged', async () => {
    // One pagination run per list: what is judged here is the spec the URL serves (products.test.ts
    // runs this product end to end from a file).
    const r = await runCli('conformance', [
      '--spec',
      `${base}/conversations.json`,
      '--target',
      'local',
      '--pagination-runs',
      '1',
      '--report-dir',
      tmp('r'),
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASSED: \d+\/19 operations judged/m);
  });

  it('a server that is not there: one line, exit 2', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await runCli('conformance', [
      '--spec',
      `http://127.0.0.1:${port}/spec.json`,
      '--target',
      'local',
      '--report-dir',
      tmp('r'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^conformance: openapi spec http:\/\/127\.0\.0\.1:\d+\/spec\.json: could not be fetched \(ECONNREFUSED\)$/,
    );
  });
});

describe('a spec file that is not there: one line, exit 2, saying where specs come from', () => {
  it.each([
    [
      'twilio_conversations_v1.json',
      /^conformance: openapi spec \S*twilio_conversations_v1\.json: not found \(a spec is a file or an http\(s\) URL: twilio\/twilio-oai has every product's, e\.g\. --spec https:\/\/raw\.githubusercontent\.com\/twilio\/twilio-oai\/main\/spec\/json\/twilio_conversations_v1\.json\)$/,
    ],
    [
      'twilio_messaging_v1.yaml',
      /not found \(.*--spec https:\/\/raw\.githubusercontent\.com\/twilio\/twilio-oai\/main\/spec\/yaml\/twilio_messaging_v1\.yaml\)$/,
    ],
    [
      'my-api.json',
      /^conformance: openapi spec \S*my-api\.json: not found \(a spec is a file or an http\(s\) URL: twilio\/twilio-oai has every product's in spec\/json\/ and spec\/yaml\/\)$/,
    ],
  ])('%s', async (name, message) => {
    const r = await runCli('conformance', ['--spec', join(tmp('none'), name), '--target', 'local']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('the sources folder without its spec (a fresh clone): bash .ci/sources fetches it', async () => {
    const r = await runCli('schemas', ['--out', join(tmp('s'), 'out')], { TWILIO_SOURCES_DIR: tmp('empty') });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(
      /^schemas: openapi spec \S*twilio_assistants_v1\.openapi\.json: not found \(bash \.ci\/sources fetches it, or give --spec FILE\|URL: /,
    );
  });
});

describe('files that are not a spec: one line, exit 2', () => {
  it.each([
    [
      'broken.yaml',
      'openapi: 3.0.1\npaths: {\n  - : ]\n',
      /openapi spec .*broken\.yaml: neither JSON nor YAML/,
    ],
    ['broken.json', '{"openapi": "3.0.1", "paths": {', /openapi spec .*broken\.json: not valid JSON/],
    ['list.yaml', '- just\n- a list\n', /not an OpenAPI 3 document/],
  ])('%s', async (name, text, message) => {
    const file = join(tmp('spec'), name);
    writeFileSync(file, text);
    for (const command of ['schemas', 'provider', 'pact-verify', 'mutation'] as const) {
      const r = await runCli(command, ['--spec', file]);
      expect(r.status, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), command).toHaveLength(1);
      expect(r.stderr, command).toMatch(message);
    }
  });
});

describe('the docs pages of a run', () => {
  it('--docs DIR reads every page in it; a folder with none is one line', () => {
    const dir = tmp('pages');
    copyFileSync(join(FIXTURES, 'docs/widgets-resource.docs.txt'), join(dir, 'b.docs.txt'));
    copyFileSync(join(FIXTURES, 'docs/session-messages-resource.docs.txt'), join(dir, 'a.docs.txt'));
    writeFileSync(join(dir, 'notes.txt'), 'not a page');
    expect(sourcePaths({ docs: [dir] }, {}).docs).toEqual([join(dir, 'a.docs.txt'), join(dir, 'b.docs.txt')]);
    const empty = tmp('empty');
    expect(() => sourcePaths({ docs: [empty] }, {})).toThrow(
      `--docs ${empty}: no *.docs.txt page in this folder`,
    );
  });

  it('a page of another API found in the sources folder is left out, and said so: nothing of it applies', async () => {
    const out = tmp('schemas');
    const r = await runCli('schemas', ['--spec', CONVERSATIONS, '--out', out, '--report-dir', tmp('r')], {
      TWILIO_SOURCES_DIR: sourcesFolder(),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /note: messages\.docs\.txt: left out, it documents https:\/\/assistants\.twilio\.com, not https:\/\/conversations\.twilio\.com/,
    );
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const paths: string[] = model.operations.map((o: { path: string }) => o.path);
    expect(paths.filter((p) => p.includes('Sessions'))).toEqual([]);
    expect(model.operations.every((o: { schemas: object }) => !('docs' in o.schemas))).toBe(true);
  });

  it('a page of another API named with --docs is refused: one line, exit 2', async () => {
    const r = await runCli('schemas', [
      '--spec',
      CONVERSATIONS,
      '--docs',
      join(FIXTURES, 'docs/session-messages-resource.docs.txt'),
      '--out',
      join(tmp('schemas'), 'out'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^schemas: session-messages-resource\.docs\.txt: documents https:\/\/assistants\.twilio\.com, but the spec is served at https:\/\/conversations\.twilio\.com/,
    );
  });

  it('--schemas with --spec is one line: a run reads one model', async () => {
    const r = await runCli('conformance', [
      '--spec',
      CONVERSATIONS,
      '--schemas',
      'schemas',
      '--target',
      'local',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--schemas: not with --spec or --docs/);
  });
});

describe('a conformance run of another product', () => {
  it('judges that product alone, titled and reported as it, offline against the reference provider', async () => {
    const reports = tmp('reports');
    mkdirSync(reports, { recursive: true });
    const r = await runCli(
      'conformance',
      [
        '--spec',
        CONVERSATIONS,
        '--target',
        'local',
        '--read-only',
        '--no-pagination',
        '--report-dir',
        reports,
        '--seed',
        '7',
      ],
      { TWILIO_SOURCES_DIR: sourcesFolder() },
    );
    expect(r.stderr).toMatch(/left out, it documents https:\/\/assistants\.twilio\.com/);
    const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8'));
    expect(report.api).toMatchObject({ title: 'Twilio Conversations v1', product: 'conversations' });
    const operations = new Set<string>(report.runs[0].results.map((x: { operation: string }) => x.operation));
    expect([...operations].filter((o) => o.includes('Sessions'))).toEqual([]);
    expect(operations).toContain('GET /v1/Conversations/{ConversationSid}/Messages');
    expect(readFileSync(join(reports, 'conformance.html'), 'utf8')).toMatch(
      /<title>[^<]* · Twilio Conversations v1 conformance<\/title>/,
    );
  });
});

describe('a spec of writes alone, read with --read-only', () => {
  it('judges nothing, and a run that judged nothing is not green', async () => {
    const file = join(tmp('spec'), 'writes-only.json');
    const spec = JSON.parse(readFileSync(CONVERSATIONS, 'utf8'));
    for (const item of Object.values(spec.paths) as Array<Record<string, unknown>>) delete item.get;
    writeFileSync(file, JSON.stringify(spec));
    const reports = tmp('reports');
    const r = await runCli('conformance', [
      '--spec',
      file,
      '--target',
      'local',
      '--read-only',
      '--report-dir',
      reports,
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAILED: NOT JUDGED: the run judged no operation/);
  });
});

describe('a spec whose every write a run never sends, with writes', () => {
  it('judges no operation, and is not green: the run journal is no operation', async () => {
    // One account-wide configuration write, and no read: the run never sends it (it names why), so
    // the only result judged is the run's own cleanup.
    const file = join(tmp('spec'), 'configuration-only.json');
    const spec = JSON.parse(readFileSync(CONVERSATIONS, 'utf8'));
    spec.paths = { '/v1/Configuration': { ...spec.paths['/v1/Configuration'], get: undefined } };
    writeFileSync(file, JSON.stringify(spec));
    const reports = tmp('reports');
    const r = await runCli('conformance', ['--spec', file, '--target', 'local', '--report-dir', reports]);
    expect(r.stdout).toMatch(/\nNOT SENT: 1 write\(s\) a run never sends:\n {2}POST \/v1\/Configuration: \S/);
    expect(r.stdout).toMatch(/FAILED: NOT JUDGED: the run judged no operation/);
    expect(r.status).toBe(1);
  });
});
