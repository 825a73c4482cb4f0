// Validators compiled once, at build time: `npm run build` (and so `npm ci`) writes ajv's standalone
// code for the committed schemas into dist/validators/<hash>.cjs, where <hash> is a digest of the
// exact schemas (and of ajv's version and this file's format). A contract whose schemas hash to a
// file there loads its functions from it instead of compiling them (ajv's code generation is most of
// a run's start-up); any other contract (derived from sources, an older schemas folder, a file that
// is missing, stale or damaged) compiles at run time exactly as before. Both paths run the same
// generated code, so they judge every body alike (suites/model/standalone.test.ts shows it).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type standaloneCodeModule from 'ajv/dist/standalone/index.js';
import { PROJECT_ROOT } from '../sources/paths';

/** Where `npm run build` writes the validators, and where a run looks for them. */
export const VALIDATORS_DIR = join(PROJECT_ROOT, 'dist', 'validators');

/** Changes whenever the layout of a generated file changes: older files are then stale, never loaded. */
const LAYOUT = 'standalone-2';

const require = createRequire(import.meta.url);
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;

/** The digest a set of schemas (as SchemaValidator.of keys them) is found under. */
export function validatorsHash(key: string): string {
  return createHash('sha256').update(`${LAYOUT}\u0000${AJV_VERSION}\u0000${key}`).digest('hex').slice(0, 32);
}

/**
 * A digest of a schemas folder's files as loadModel reads them (each file's name in the folder and
 * its text, in the order read), under which the build marks them checked against the meta-schema.
 */
export function schemasDigest(): { add(file: string, text: string): void; value(): string } {
  const h = createHash('sha256').update(`${LAYOUT}\u0000${AJV_VERSION}`);
  return {
    add: (file, text) => {
      h.update(`\u0000${file}\u0000${text}`);
    },
    value: () => h.digest('hex').slice(0, 32),
  };
}

const checkedMark = (digest: string, dir = VALIDATORS_DIR) => join(dir, `checked-${digest}`);

/** Whether the build checked a folder of exactly these files against the meta-schema. */
export const schemasChecked = (digest: string, dir = VALIDATORS_DIR): boolean =>
  existsSync(checkedMark(digest, dir));

/** Marks a folder's files, loaded with every check, as checked (the build, after loading them). */
export function markSchemasChecked(digest: string, dir = VALIDATORS_DIR): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(checkedMark(digest, dir), '');
  return checkedMark(digest, dir);
}

/** The two sets of compiled functions a SchemaValidator holds, by schema id. */
export interface Compiled {
  /** The schema ids the file holds functions for (read from its head, before any code is evaluated). */
  ids: ReadonlySet<string>;
  /** Stops at the first violation: evaluated on first call (the first body judged), undefined if it fails. */
  first: () => Map<string, ValidateFunction> | undefined;
  /** Every violation (allErrors): evaluated on first call, since only an invalid body needs them. */
  all: () => Map<string, ValidateFunction> | undefined;
}

/** What a generated file exports. */
interface StandaloneModule {
  hash: string;
  ids: string[];
  first: Factory;
  /** The all-errors factory's code, as a string: parsed only when a body is found invalid. */
  all: string;
}

/** A factory of compiled functions, given the formats they check and a require that finds ajv. */
type Factory = (formats: unknown, require: NodeJS.Require) => Record<string, ValidateFunction>;

/** The code ajv options that make compiled functions standalone: formats read from the factory's argument. */
export function STANDALONE_CODE(): {
  source: true;
  formats: ReturnType<typeof import('ajv/dist/2020.js')._>;
} {
  const { _ } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  return { source: true, formats: _`formats` };
}

/** ajv's standalone code of every id, wrapped in a function of the formats it checks (and a require). */
function factoryCode(ajv: { getSchema(id: string): unknown }, ids: readonly string[]): string {
  const exportsOf = Object.fromEntries(ids.map((id, k) => [`v${k}`, id]));
  const m = require('ajv/dist/standalone/index.js') as { default: typeof standaloneCodeModule };
  const code = m.default(ajv as Parameters<typeof standaloneCodeModule>[0], exportsOf);
  return `function (formats, require) {\nconst exports = {};\n${code}\nreturn exports;\n}`;
}

/**
 * The text of the generated file for these schema ids, compiled in the two ajv instances given
 * (created with `code: STANDALONE_CODE`).
 */
export function standaloneFile(
  hash: string,
  ids: readonly string[],
  all: { getSchema(id: string): unknown },
  first: { getSchema(id: string): unknown },
): string {
  return [
    '"use strict";',
    `// Generated by npm run build (src/schemas/standalone.ts) from the committed schemas: do not edit.`,
    `exports.hash = ${JSON.stringify(hash)};`,
    `exports.ids = ${JSON.stringify(ids)};`,
    `exports.first = ${factoryCode(first, ids)};`,
    `exports.all = ${JSON.stringify(factoryCode(all, ids))};`,
    '',
  ].join('\n');
}

/** Writes a generated file (beside, then moved: a run never reads half of one). */
export function writeStandalone(dir: string, hash: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${hash}.cjs`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return file;
}

/**
 * The compiled functions of a generated file for exactly these schemas, their formats given; undefined
 * when there is none, or its head names another hash or another set of ids. Its code is evaluated
 * only when a body is first judged (a run's first request does not wait for it); code that does not
 * load then gives no functions, and the validator compiles its own.
 */
export function loadStandalone(
  dir: string,
  hash: string,
  ids: readonly string[],
  formats: unknown,
): Compiled | undefined {
  const file = join(dir, `${hash}.cjs`);
  let head: string;
  try {
    head = readFileSync(file, 'utf8').slice(0, HEAD_CHARS);
  } catch {
    return undefined;
  }
  const named = /^exports\.hash = "([0-9a-f]+)";$/m.exec(head)?.[1];
  const listed = /^exports\.ids = (\[.*\]);$/m.exec(head)?.[1];
  if (named !== hash || listed !== JSON.stringify(ids)) return undefined;
  let m: Partial<StandaloneModule> | undefined;
  const module = () => {
    // Required anew (a file rewritten under the same name is read again), so node's compile cache,
    // when on (bin/cli.mjs), spares parsing it.
    delete require.cache[file];
    m ??= require(file) as Partial<StandaloneModule>;
    return m;
  };
  const first = once(() => {
    const factory = module().first;
    return typeof factory === 'function' ? functionsOf(factory(formats, require), ids) : undefined;
  });
  const all = once(() => {
    const code = module().all;
    const factory = typeof code === 'string' ? (new Function(`return ${code}`)() as Factory) : undefined;
    return factory ? functionsOf(factory(formats, require), ids) : undefined;
  });
  return { ids: new Set(ids), first, all };
}

/** How much of a generated file holds its hash and ids (they come first). */
const HEAD_CHARS = 1 << 20;

/** A value made on first call and kept; undefined when making it throws. */
function once<T>(make: () => T | undefined): () => T | undefined {
  let made: { value: T | undefined } | undefined;
  return () => {
    if (!made) {
      try {
        made = { value: make() };
      } catch {
        made = { value: undefined };
      }
    }
    return made.value;
  };
}

/** A factory's functions by schema id; undefined when any is missing. */
function functionsOf(
  fns: Record<string, ValidateFunction>,
  ids: readonly string[],
): Map<string, ValidateFunction> | undefined {
  if (ids.some((_id, k) => typeof fns[`v${k}`] !== 'function')) return undefined;
  return new Map(ids.map((id, k) => [id, fns[`v${k}`] as ValidateFunction]));
}
