// Validators compiled at build time (dist/validators, src/schemas/standalone.ts) judge every body
// exactly as validators compiled at run time do; a file that is missing, stale or damaged is never
// used, the run compiles instead; the build's mark lets a run skip only the meta-schema checks of
// the very bytes the build checked.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/model/json-schema';
import { Contract, contractSchemas } from '../../src/schemas/contract';
import { loadCheckedModel, loadModel } from '../../src/schemas/files';
import { generate, type Json } from '../../src/schemas/generate';
import {
  schemasChecked,
  VALIDATORS_DIR,
  validatorsHash,
  writeStandalone,
} from '../../src/schemas/standalone';
import { SchemaValidator } from '../../src/schemas/validator';
import { PROJECT_ROOT } from '../../src/sources/paths';

const SCHEMAS = join(PROJECT_ROOT, 'schemas');
const schemas = contractSchemas(loadModel(SCHEMAS));
const ids = [...new Set(schemas.map((s) => s.$id as string))];
const schemaOf = (id: string) => schemas.find((s) => s.$id === id) as JsonSchema;

/** A body each schema accepts, and bodies broken in every way a provider breaks one. */
function bodiesFor(schema: JsonSchema, seed: number): unknown[] {
  const valid = generate(schema, seed);
  const out: unknown[] = [valid, null, 42, 'text', [], {}, [valid]];
  if (typeof valid === 'object' && valid !== null && !Array.isArray(valid)) {
    for (const key of Object.keys(valid)) {
      const { [key]: _gone, ...without } = valid;
      out.push(without);
      for (const wrong of [null, 7, -1.5, true, 'not-a-date', '', 'x'.repeat(300), [], { a: 1 }] as Json[])
        out.push({ ...valid, [key]: wrong });
    }
    out.push({ ...valid, unexpected_field: 'x' });
    // A list's items broken too: the pointers reach inside arrays.
    for (const [key, v] of Object.entries(valid))
      if (Array.isArray(v) && v.length && typeof v[0] === 'object' && v[0] !== null)
        out.push({ ...valid, [key]: [...v, { ...(v[0] as object), id: 5, date_created: 'yesterday' }] });
  }
  return out;
}

describe('validators compiled by the build', () => {
  const built = SchemaValidator.of(schemas, VALIDATORS_DIR);
  const compiled = SchemaValidator.of(schemas, null);

  it('npm run build wrote them for the committed schemas, and the contract a run loads uses them', () => {
    expect(readdirSync(VALIDATORS_DIR)).toContain(`${validatorsHash(JSON.stringify(schemas))}.cjs`);
    expect(built.standalone).toBe(true);
    expect(Contract.load(SCHEMAS, 'both').validator.standalone).toBe(true);
    expect(compiled.standalone).toBe(false);
  });

  it('judge every body as validators compiled at run time do: the same violations, in the same order', () => {
    let bodies = 0;
    let broken = 0;
    let violations = 0;
    for (const id of ids) {
      for (const body of bodiesFor(schemaOf(id), ids.indexOf(id))) {
        const a = built.validate(id, body);
        const b = compiled.validate(id, body);
        expect(a, `${id} ${JSON.stringify(body).slice(0, 200)}`).toEqual(b);
        bodies++;
        if (a.length) broken++;
        violations += a.length;
      }
    }
    // Thousands of bodies, most of them broken: the comparison is not of empty lists.
    expect(bodies).toBeGreaterThan(1000);
    expect(broken).toBeGreaterThan(bodies / 2);
    expect(violations).toBeGreaterThan(1000);
    expect(built.uncheckedFormats).toEqual(compiled.uncheckedFormats);
  });

  it('a body over the detailed limit is cut and judged alike by both', () => {
    const list = ids.find((id) => /list-assistants\.response/.test(id)) as string;
    const page = generate(schemaOf(list), 3) as Record<string, Json>;
    const items = Array.from({ length: 1500 }, (_, k) => ({ id: k }));
    const body = { ...page, assistants: items };
    expect(built.validate(list, body)).toEqual(compiled.validate(list, body));
    expect(built.lastUncounted).toBe(compiled.lastUncounted);
    expect(built.validate(list, body).length).toBeGreaterThan(0);
  });
});

describe('a validators file that cannot be trusted is never used: the run compiles instead', () => {
  const hash = validatorsHash(JSON.stringify(schemas));
  const file = join(VALIDATORS_DIR, `${hash}.cjs`);
  // Every property of the first schema's body with a value of the wrong type.
  const body = Object.fromEntries(
    Object.keys(generate(schemaOf(ids[0] as string), 1) as object).map((k) => [k, [7]]),
  );
  const judged = SchemaValidator.of(schemas, null).validate(ids[0] as string, body);
  const inDir = (text: string | undefined) => {
    const dir = mkdtempSync(join(tmpdir(), 'validators-'));
    if (text !== undefined) writeStandalone(dir, hash, text);
    return SchemaValidator.of(schemas, dir);
  };

  it.each([
    ['missing', undefined],
    ['damaged (cut in half)', readFileSync(file, 'utf8').slice(0, 300_000)],
    [
      'stale (built from other schemas, under this name)',
      SchemaValidator.standaloneOf(schemas.slice(1)).text,
    ],
    ['another hash inside', readFileSync(file, 'utf8').replace(hash, 'f'.repeat(32))],
    ['not code', 'this is not javascript {'],
  ])('%s', (_what, text) => {
    const v = inDir(text);
    expect(v.standalone).toBe(false);
    expect(v.validate(ids[0] as string, body)).toEqual(judged);
    expect(judged.length).toBeGreaterThan(0);
  });

  it('whose all-errors code fails is used for the first violation, and compiled for the detail', () => {
    const text = SchemaValidator.standaloneOf(schemas).text.replace(
      /^exports\.all = .*$/m,
      `exports.all = ${JSON.stringify('function () { throw new Error("damaged") }')};`,
    );
    expect(text).toContain('damaged');
    const v = inDir(text);
    expect(v.standalone).toBe(true);
    expect(v.validate(ids[0] as string, body)).toEqual(judged);
  });

  it('a file written for these schemas is used', () => {
    const v = inDir(SchemaValidator.standaloneOf(schemas).text);
    expect(v.standalone).toBe(true);
    expect(v.validate(ids[0] as string, body)).toEqual(judged);
  });
});

describe("a run's start-up, when the build compiled its validators", () => {
  it('loads neither ajv (its compiler, its meta-schemas) nor fast-check: only the formats its code checks', () => {
    const hook = join(mkdtempSync(join(tmpdir(), 'loaded-')), 'hook.mjs');
    writeFileSync(
      hook,
      `import { registerHooks } from 'node:module';
const seen = [];
registerHooks({ load(url, context, next) { seen.push(url); return next(url, context); } });
process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(seen) + '\\n'));`,
    );
    const cli = join(PROJECT_ROOT, 'dist', 'cli', 'conformance.mjs');
    const run = spawnSync(process.execPath, ['--import', hook, cli, '--dry-run'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const line = run.stderr.split('\n').find((l) => l.startsWith('LOADED ')) as string;
    const packages = (JSON.parse(line.slice('LOADED '.length)) as string[])
      .map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url))
      .flatMap((m) => (m ? [`${m[1]}/${m[2]}`] : []));
    expect(packages).toContain('ajv-formats/dist/formats.js');
    // The build's code itself is evaluated when a body is first judged (a dry run judges none): it
    // requires ajv's runtime then.
    expect(packages.filter((p) => p.startsWith('ajv/dist/runtime/'))).toEqual([]);
    expect(packages.filter((p) => /^ajv\/dist\/(core|2020|compile|vocabularies|refs)/.test(p))).toEqual([]);
    expect(packages.filter((p) => p.startsWith('fast-check/'))).toEqual([]);
  });
});

describe('the meta-schema checks the build made', () => {
  it('are skipped only for the bytes the build checked: any change is checked again', () => {
    const { digest } = loadCheckedModel(SCHEMAS);
    expect(schemasChecked(digest)).toBe(true);
    const copy = mkdtempSync(join(tmpdir(), 'schemas-'));
    cpSync(SCHEMAS, copy, { recursive: true });
    // The same bytes elsewhere: the same digest, the same model.
    expect(loadCheckedModel(copy).digest).toBe(digest);
    expect(loadModel(copy)).toEqual(loadModel(SCHEMAS));
    // One character changed: a schema the meta-schema refuses is refused, as before the build's mark.
    const name = readdirSync(join(copy, 'openapi'))[0] as string;
    const path = join(copy, 'openapi', name);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"type": "object"', '"type": "objekt"'));
    expect(() => loadModel(copy)).toThrow(/not a valid JSON Schema/);
  });
});
