// Drift from a docs page to the spec, on real-shaped pages of both layouts: every operation the page
// documents is compared (its writes and request bodies too) and named; camelCase names are the API's
// own, never "removed"; a page that shares nothing with the spec is one line and exit 2, not "No drift."

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparedOperations, diffSides } from '../../src/drift/diff';
import type { DriftSide } from '../../src/drift/side';
import { loadSide } from '../../src/drift/sides';
import type { Finding } from '../../src/finding';
import { PROJECT_ROOT } from '../../src/sources/paths';
import {
  FIXTURES,
  fixturePage,
  needsSources,
  realSources,
  runCli,
  sourcesMissing,
} from '../support/fixtures';

interface DriftJson {
  compared: { both: string[]; onlyFrom: string[]; onlyTo: string[] };
  changes: Array<Finding & { level: string }>;
}
const drift = async (page: string, ...more: string[]) => {
  const r = await runCli('drift', ['--from', page, '--to', realSources.spec, '--json', ...more]);
  return { ...r, json: r.status === 2 ? undefined : (JSON.parse(r.stdout) as DriftJson) };
};
const PAGES = readdirSync(join(FIXTURES, 'docs/snake')).filter((f) => f.endsWith('.docs.txt'));
const key = (c: Finding) => `${c.operation} ${c.rule} ${c.pointer}`;

describe.skipIf(sourcesMissing)(needsSources('npm run drift from docs pages to the spec'), () => {
  // The spec side is read once; each page is a side of its own, as the command reads them.
  const spec = sourcesMissing ? undefined : loadSide(realSources.spec, join(PROJECT_ROOT, 'schemas'));
  const pageDrift = (layout: string, file: string) => {
    const page = loadSide(join(FIXTURES, 'docs', layout, file), join(PROJECT_ROOT, 'schemas'));
    const to = spec as DriftSide;
    return { compared: comparedOperations(page, to), changes: diffSides(page, to), notes: page.notes };
  };

  it.each(PAGES)('%s, both layouts: every documented operation compared and named', (file) => {
    for (const layout of ['snake', 'camel']) {
      const { compared, changes, notes } = pageDrift(layout, file);
      expect(notes).toBeUndefined();
      const documented = fixturePage(`${layout}/${file}`).operations.map((o) => `${o.method} ${o.path}`);
      expect(compared.both.sort(), `${layout}/${file}`).toEqual(documented.sort());
      expect(compared.onlyFrom).toEqual([]);
      // Nothing the page spells in camelCase is taken for a field or parameter the spec lacks.
      const camel = changes.filter(
        (c) => /\/[a-z]+[A-Z]/.test(c.pointer ?? '') && !c.pointer?.startsWith('/path/'),
      );
      expect(camel, `${layout}/${file}`).toEqual([]);
    }
  });

  it.each(PAGES)(
    '%s: the older and the newer layout of one page drift alike, but for what they say differently',
    (file) => {
      const differently = (c: Finding) =>
        // The older Feedback page calls fields Optional that the newer one requires; the older
        // Knowledge body table has no embedding_model.
        (file === 'feedback.docs.txt' && /required/.test(c.rule)) ||
        (file === 'knowledge.docs.txt' && c.pointer === '/body/embedding_model');
      const keys = (layout: string) =>
        pageDrift(layout, file)
          .changes.filter((c) => !differently(c))
          .map(key)
          .sort();
      expect(keys('camel')).toEqual(keys('snake'));
    },
  );

  it('the writes and their bodies are compared: id and body patterns, a field the older Knowledge table lacks, session_id required', async () => {
    const knowledge = await drift(join(FIXTURES, 'docs/snake/knowledge.docs.txt'));
    const found = knowledge.json?.changes.map(key) ?? [];
    expect(found).toContain('POST /v1/Knowledge drift.response-pattern-change /id');
    expect(found).toContain('POST /v1/Knowledge drift.request-pattern-change /body/assistant_id');
    expect(found).toContain('POST /v1/Knowledge drift.request-parameter-add /body/embedding_model');
    const feedback = await drift(join(FIXTURES, 'docs/snake/feedback.docs.txt'));
    const session = feedback.json?.changes.find((c) => c.pointer === '/body/session_id');
    expect(session).toMatchObject({ rule: 'drift.request-required-add', level: 'breaking' });
    expect(feedback.status).toBe(1);
  });

  it('a page that shares no operation with the spec: one line naming both, exit 2, nothing else', async () => {
    const r = await drift(join(FIXTURES, 'docs/widgets-resource.docs.txt'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'drift: nothing compared: widgets-resource.docs.txt (2 operations) and twilio_assistants_v1.openapi.json (30) describe no operation in common',
    ]);
  });

  it('what a page documents that cannot be used is said on stderr, and the rest still compared', async () => {
    const text = readFileSync(join(FIXTURES, 'docs/camel/sessions.docs.txt'), 'utf8');
    const list = text.indexOf('List all Sessions\n');
    const file = join(mkdtempSync(join(tmpdir(), 'twice-')), 'twice.docs.txt');
    writeFileSync(file, `${text}\n${text.slice(list)}`);
    const r = await drift(file, '--fail-on', 'none');
    expect(r.stderr).toMatch(
      /^not used: twice\.docs\.txt:\d+: GET \/v1\/Sessions is documented twice on this page; the first is used$/m,
    );
    expect(r.json?.compared.both).toEqual(['GET /v1/Sessions/{id}', 'GET /v1/Sessions']);
    expect(r.status).toBe(0);
  });
});
