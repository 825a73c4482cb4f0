import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaValidator } from '../../src/contract/validator';
import { deriveAll } from '../../src/derive/derive-all';
import { needsSources, realSources, runCli, sourcesMissing } from '../support/fixtures';

describe.skipIf(sourcesMissing)(needsSources('the real Sessions docs page and OpenAPI spec'), () => {
  const d = sourcesMissing ? undefined : deriveAll(realSources);
  const byCheck = (check: string) => d?.findings.filter((f) => f.check === check) ?? [];

  it('derives the session schema from the table, without date_created', () => {
    const props = d?.docs.schemas.resource.properties ?? {};
    expect(Object.keys(props)).toEqual([
      'id',
      'account_sid',
      'assistant_id',
      'verified',
      'identity',
      'date_updated',
    ]);
    expect(props.account_sid).toMatchObject({ pattern: '^AC[0-9a-fA-F]{32}$', minLength: 34, maxLength: 34 });
    expect(props.date_updated).toMatchObject({ format: 'date-time', 'x-source': { line: 51 } });
    expect(d?.docs.itemsKey).toBe('sessions');
    expect(d?.docs.schemas.listQuery?.properties?.PageSize).toMatchObject({ minimum: 1, maximum: 1000 });
    expect(d?.docs.schemas.listQuery?.properties?.Page).toMatchObject({ minimum: 0 });
  });

  it('triangulation surfaces date_created missing from the table', () => {
    const f = byCheck('triangulation.field-presence').find((x) => x.pointer === '/date_created');
    expect(f?.message).toMatch(/in the docs examples and openapi spec but not in the docs table/);
  });

  it('triangulation surfaces the two assistant_id patterns and what each accepts', () => {
    const f = byCheck('triangulation.pattern-differs').find((x) => x.pointer === '/assistant_id');
    expect(f?.expected).toEqual({ pattern: '^aia_asst_*$' });
    expect(f?.actual).toEqual({ pattern: '^aia_asst_.+$' });
    expect(f?.message).toMatch(/example "aia_asst" .*docs accepts, spec rejects/);
  });

  it('triangulation surfaces the list example meta.key that no client can read', () => {
    const [f] = byCheck('triangulation.items-key-unreadable');
    expect(f).toMatchObject({ severity: 'error', actual: 'key', expected: ['sessions'] });
    expect(f?.message).toMatch(/payload\[meta\.key\]/);
  });

  it('generated schemas reject mutated sessions and out-of-range PageSize', () => {
    if (!d) return;
    const v = new SchemaValidator([d.docs, d.spec]);
    const good = {
      id: 'sess_1',
      account_sid: `AC${'a'.repeat(32)}`,
      assistant_id: 'aia_asst',
      verified: false,
      identity: 'x',
      date_updated: '2009-07-06T20:30:00Z',
    };
    expect(v.validate('docs', 'resource', good)).toEqual([]);
    const mutated: Array<[string, unknown, string]> = [
      ['account_sid', `ac${'a'.repeat(32)}`, 'pattern'],
      ['account_sid', `AC${'a'.repeat(31)}`, 'minLength'],
      ['date_updated', '07/06/2009 20:30', 'format'],
      ['verified', 'true', 'type'],
    ];
    for (const [field, value, keyword] of mutated) {
      for (const origin of ['docs', 'openapi'] as const) {
        const kinds = v.validate(origin, 'resource', { ...good, [field]: value }).map((x) => x.keyword);
        expect(kinds, `${origin} ${field}`).toContain(keyword);
      }
    }
    for (const size of [0, 1001]) {
      expect(v.validate('docs', 'listQuery', { PageSize: size }).map((x) => x.pointer)).toEqual([
        '/PageSize',
      ]);
      expect(v.validate('openapi', 'listQuery', { PageSize: size }).map((x) => x.pointer)).toEqual([
        '/PageSize',
      ]);
    }
  });

  it('npm run schemas -- --check passes on the committed schemas, and names the file and field when stale', async () => {
    const ok = await runCli('schemas', ['--check', '--report-dir', mkdtempSync(join(tmpdir(), 'tri-'))]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);

    const out = mkdtempSync(join(tmpdir(), 'schemas-'));
    const reports = mkdtempSync(join(tmpdir(), 'reports-'));
    expect((await runCli('schemas', ['--out', out, '--report-dir', reports])).status).toBe(0);
    expect(readdirSync(reports).sort()).toEqual(['triangulation.json', 'triangulation.md']);
    const file = join(out, 'session.schema.json');
    const edited = JSON.parse(readFileSync(file, 'utf8'));
    edited.properties.account_sid.maxLength = 35;
    writeFileSync(file, JSON.stringify(edited));
    const stale = await runCli('schemas', ['--out', out, '--check', '--report-dir', reports]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(
      /session\.schema\.json: \/properties\/account_sid\/maxLength: committed 35, sources give 34/,
    );
  });
});

describe('npm run schemas with bad sources', () => {
  it('a missing source: one line naming it, exit 2, nothing written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'schemas-'));
    const r = await runCli('schemas', ['--docs', '/nonexistent/page.txt', '--out', out, '--report-dir', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['schemas: docs page /nonexistent/page.txt: not found']);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a page that is not a docs page, and an unknown flag, exit 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-'));
    writeFileSync(join(dir, 'page.txt'), 'hello\n');
    const r = await runCli('schemas', ['--docs', join(dir, 'page.txt'), '--out', join(dir, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^schemas: page\.txt:\d+: no resource-properties table/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const flag = await runCli('schemas', ['--colour']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/^schemas: Unknown option '--colour'/);
  });
});
