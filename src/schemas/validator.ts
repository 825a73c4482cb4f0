// One ajv instance per contract: schemas compiled once, violations returned as data (ajv's own
// errors mapped to JSON pointers), never as strings to parse. The valid path is one call into the
// compiled function, so the project's validator costs what raw ajv costs. Every format a schema
// names is known: JSON Schema's, Twilio's (src/schemas/formats.ts), and any other accepted as it
// comes and listed (uncheckedFormats), so a spec of any product compiles under strict mode. ajv
// itself is loaded only when something has to be compiled: a contract the build compiled never does.

import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';
import { escapePointer, valueAt } from '../json';
import { ANNOTATION_KEYWORDS, type JsonSchema } from '../model/json-schema';
import { baseFormats, type FormatTable, knowFormatsOf } from './formats';
import {
  type Compiled,
  loadStandalone,
  STANDALONE_CODE,
  standaloneFile,
  VALIDATORS_DIR,
  validatorsHash,
} from './standalone';

const require = createRequire(import.meta.url);

/** ajv-formats' plugin (CommonJS; its default export arrives wrapped under ESM). */
export function addFormats(
  ...args: Parameters<typeof addFormatsModule>
): ReturnType<typeof addFormatsModule> {
  const m = require('ajv-formats') as typeof addFormatsModule & { default?: typeof addFormatsModule };
  return (m.default ?? m)(...args);
}

export interface Violation {
  /** JSON pointer into the validated document. */
  pointer: string;
  keyword: string;
  /** Where in the schema the rule lives, e.g. #/properties/account_sid/pattern. */
  schemaPath: string;
  expected?: unknown;
  actual?: unknown;
  message: string;
}

const NONE: readonly Violation[] = Object.freeze([]);

/** An ajv instance with every base format (src/schemas/formats.ts) and the annotation keywords. */
export function createAjv(o: { allErrors?: boolean; standalone?: boolean } = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv({
    allErrors: o.allErrors ?? true,
    strict: true,
    allowUnionTypes: true,
    strictRequired: false,
    // Compiled at run time (a contract no build compiled: another product's spec, a mutant, a
    // derived folder), ajv's optimising pass over the generated code costs about a third of the
    // compile and saves little when each function checks a handful of bodies; the build's
    // standalone code, loaded by every run of the committed contract, keeps it.
    code: o.standalone ? STANDALONE_CODE() : { optimize: false },
  });
  // ajv-formats' keywords (formatMinimum, …); the formats themselves come from the one table.
  addFormats(ajv, { formats: [], keywords: true });
  for (const [name, format] of Object.entries(baseFormats())) ajv.addFormat(name, format as RegExp);
  for (const keyword of ANNOTATION_KEYWORDS)
    ajv.addKeyword({ keyword, schemaType: ['object', 'array', 'string'] });
  return ajv;
}

let checker: Ajv2020 | undefined;
/**
 * The one ajv of this process that checks schemas against the 2020-12 meta-schema (compiled once,
 * not once per validator): every schema a validator adds is checked by it, with ajv's own words.
 */
export function schemaChecker(): Ajv2020 {
  checker ??= createAjv();
  return checker;
}

/** Validators already built in this process, by the exact text of their schemas. */
const built = new Map<string, SchemaValidator>();

/** Items of an array checked for every violation; beyond them a body is checked for its first one only. */
export const DETAILED_ITEMS = 1000;
/** Violations reported for one body at most: the rest are counted, never held. */
export const MAX_VIOLATIONS = 2000;

/**
 * Schemas added once by $id and compiled on first use: the valid path is one call into ajv's
 * function. An invalid body is checked in detail on a copy whose arrays are cut to DETAILED_ITEMS
 * (so a page of millions of broken items costs what a thousand do), and its violations are capped.
 */
export class SchemaValidator {
  /** Every format the schemas name, as the compiled functions are handed them. */
  private readonly formats: FormatTable = baseFormats();
  /** The schemas no build compiled, in the order added: what the ajv instances are made of. */
  private readonly added: JsonSchema[] = [];
  private readonly ids = new Set<string>();
  private all?: Ajv2020;
  /** Stops at the first violation: how a body of any size is judged at all. */
  private firstOnly?: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly compiledFirst = new Map<string, ValidateFunction>();
  /** Violations a detailed check left uncounted, by the last validate call (0 when none were cut). */
  lastUncounted = 0;
  private readonly unchecked = new Set<string>();

  /** The functions `npm run build` compiled for exactly these schemas (src/schemas/standalone.ts), by id. */
  private prebuilt?: Compiled;

  /**
   * The validator of exactly these schemas (each with its $id): one per process, so a second
   * contract of the same schemas (a suite's next run, the mutation score's next mutant) compiles
   * nothing; and none at all when the build compiled them (the validators in `dir`), else compiled
   * here on first use.
   */
  static of(schemas: readonly JsonSchema[], dir: string | null = VALIDATORS_DIR): SchemaValidator {
    const key = JSON.stringify(schemas);
    let validator = dir === VALIDATORS_DIR ? built.get(key) : undefined;
    if (!validator) {
      validator = new SchemaValidator();
      for (const schema of schemas) validator.knowFormats(schema);
      validator.prebuilt = dir
        ? loadStandalone(dir, validatorsHash(key), idsOf(schemas), validator.formats)
        : undefined;
      for (const schema of schemas) validator.add(schema);
      if (dir === VALIDATORS_DIR) built.set(key, validator);
    }
    return validator;
  }

  /** Whether this validator's functions come from the build's standalone code (no compiling at all). */
  get standalone(): boolean {
    return this.prebuilt?.first() !== undefined;
  }

  /**
   * The text of the file `npm run build` writes for these schemas: ajv's standalone code of each,
   * as SchemaValidator.of would compile it, and the name (its hash) it is found under.
   */
  static standaloneOf(schemas: readonly JsonSchema[]): { hash: string; text: string } {
    const all = createAjv({ standalone: true });
    const first = createAjv({ allErrors: false, standalone: true });
    for (const schema of schemas)
      if (schema.$id && !all.getSchema(schema.$id)) {
        for (const ajv of [all, first]) {
          knowFormatsOf(ajv.formats as FormatTable, schema);
          ajv.addSchema(schema as object);
        }
      }
    const hash = validatorsHash(JSON.stringify(schemas));
    return { hash, text: standaloneFile(hash, idsOf(schemas), all, first) };
  }

  /** Formats the schemas name that have no definition: accepted as they come. */
  get uncheckedFormats(): string[] {
    return [...this.unchecked].sort();
  }

  /** Makes the formats a schema names known; those with no definition are listed. */
  private knowFormats(schema: JsonSchema): void {
    for (const name of knowFormatsOf(this.formats, schema)) this.unchecked.add(name);
  }

  add(schema: JsonSchema): void {
    const id = schema.$id;
    if (!id || this.ids.has(id)) return;
    this.ids.add(id);
    this.knowFormats(schema);
    // Checked once against the meta-schema (throwing ajv's "schema is invalid: …" as addSchema would),
    // then added to both instances unchecked; the build checked those it compiled.
    if (!this.prebuilt?.ids.has(id)) schemaChecker().validateSchema(schema as object, true);
    this.added.push(schema);
    for (const ajv of [this.all, this.firstOnly])
      if (ajv) {
        this.formatsInto(ajv);
        ajv.addSchema(schema as object, undefined, undefined, false);
      }
  }

  /** Hands an ajv instance every format of the table it does not know yet. */
  private formatsInto(ajv: Ajv2020): void {
    for (const [name, format] of Object.entries(this.formats))
      if (ajv.formats[name] === undefined) ajv.addFormat(name, format as RegExp);
  }

  /** One of the two ajv instances, made on first need of the schemas the build did not compile. */
  private instance(allErrors: boolean): Ajv2020 {
    let ajv = allErrors ? this.all : this.firstOnly;
    if (!ajv) {
      ajv = createAjv({ allErrors });
      this.formatsInto(ajv);
      for (const schema of this.added) ajv.addSchema(schema as object, undefined, undefined, false);
      if (allErrors) this.all = ajv;
      else this.firstOnly = ajv;
    }
    return ajv;
  }

  /** The compiled function for a schema id (every violation); the bench compares it against raw ajv. */
  compiledFor(id: string): ValidateFunction {
    return this.prebuilt?.all()?.get(id) ?? compiledIn(() => this.instance(true), this.compiled, id);
  }

  /** Throws when a schema cannot compile (ajv's words); one the build compiled costs nothing. */
  check(id: string): void {
    if (!this.prebuilt?.ids.has(id)) this.compiledFor(id);
  }

  validate(id: string, value: unknown): readonly Violation[] {
    this.lastUncounted = 0;
    // The valid path: one call that stops at the first violation, whatever the body's size.
    const first = this.firstFor(id);
    if (first(value)) return NONE;
    // Invalid: the detail, on a copy whose arrays are cut when any is huge.
    const doc = hasLongArray(value, DETAILED_ITEMS) ? cutArrays(value, DETAILED_ITEMS) : value;
    const fn = this.compiledFor(id);
    if (!fn(doc)) return capped(fn.errors ?? [], doc, this);
    // Only the items beyond the cut are broken: their first violation stands for them.
    return (first.errors ?? []).map((e) => toViolation(e, value));
  }

  private firstFor(id: string): ValidateFunction {
    return this.prebuilt?.first()?.get(id) ?? compiledIn(() => this.instance(false), this.compiledFirst, id);
  }
}

/** Each schema's $id, once, in order. */
const idsOf = (schemas: readonly JsonSchema[]): string[] => [
  ...new Set(schemas.flatMap((s) => (s.$id ? [s.$id] : []))),
];

/** A schema's compiled function from one ajv instance, looked up once and kept. */
function compiledIn(ajv: () => Ajv2020, cache: Map<string, ValidateFunction>, id: string): ValidateFunction {
  let fn = cache.get(id);
  if (!fn) {
    fn = ajv().getSchema(id) as ValidateFunction | undefined;
    if (!fn) throw new Error(`no schema ${id}`);
    cache.set(id, fn);
  }
  return fn;
}

function capped(errors: readonly ErrorObject[], document: unknown, v: SchemaValidator): Violation[] {
  v.lastUncounted = Math.max(0, errors.length - MAX_VIOLATIONS);
  return errors.slice(0, MAX_VIOLATIONS).map((e) => toViolation(e, document));
}

/** Whether any array in the document holds more than `max` items (iteratively: bodies can be deep). */
function hasLongArray(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      if (v.length > max) return true;
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x);
    } else if (typeof v === 'object' && v !== null) {
      for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) stack.push(x);
    }
  }
  return false;
}

/** A copy of the document with every array cut to its first `max` items (indices, so pointers, kept). */
function cutArrays(value: unknown, max: number): unknown {
  if (Array.isArray(value)) return value.slice(0, max).map((x) => cutArrays(x, max));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, x] of Object.entries(value)) out[k] = cutArrays(x, max);
    return out;
  }
  return value;
}

function toViolation(error: ErrorObject, document: unknown): Violation {
  const params = error.params as Record<string, unknown>;
  let pointer = error.instancePath;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    pointer = `${pointer}/${escapePointer(params.missingProperty)}`;
  }
  // A property the schema closes out is named by its own pointer, as a missing one is.
  const extra = error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string';
  if (extra) pointer = `${pointer}/${escapePointer(params.additionalProperty as string)}`;
  const actual = error.keyword === 'required' ? undefined : valueAt(document, pointer);
  const expected = expectedOf(error);
  return {
    pointer: pointer || '',
    keyword: error.keyword,
    schemaPath: error.schemaPath,
    ...(expected !== undefined ? { expected } : {}),
    ...(actual !== undefined ? { actual } : {}),
    message: extra
      ? `${pointer} is not a property the schema allows`
      : `${pointer || '(root)'} ${error.message ?? error.keyword}`,
  };
}

function expectedOf(error: ErrorObject): unknown {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'pattern':
      return { pattern: p.pattern };
    case 'format':
      return { format: p.format };
    case 'type':
      return { type: p.type };
    case 'enum':
      return { enum: p.allowedValues };
    case 'const':
      return { const: p.allowedValue };
    case 'required':
      return { required: p.missingProperty };
    case 'minLength':
    case 'maxLength':
    case 'minimum':
    case 'maximum':
    case 'minItems':
    case 'maxItems':
      return { [error.keyword]: p.limit };
    default:
      return undefined;
  }
}
