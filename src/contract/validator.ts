// One ajv instance per contract: schemas compiled once, violations returned as data (ajv's own
// errors mapped to JSON pointers), never as strings to parse. The valid path is one call into the
// compiled function, so the project's validator costs what raw ajv costs.

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ANNOTATION_KEYWORDS, type JsonSchema } from '../derive/json-schema';
import type { SchemaOrigin, SchemaRole, SchemaSet } from '../derive/schema-set';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
export const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule;

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

export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
  addFormats(ajv);
  for (const keyword of ANNOTATION_KEYWORDS)
    ajv.addKeyword({ keyword, schemaType: ['object', 'array', 'string'] });
  return ajv;
}

export class SchemaValidator {
  private readonly ajv = createAjv();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly sets: readonly SchemaSet[]) {
    for (const set of sets) {
      for (const schema of Object.values(set.schemas)) if (schema) this.ajv.addSchema(schema as object);
    }
  }

  has(origin: SchemaOrigin, role: SchemaRole): boolean {
    return this.schemaOf(origin, role) !== undefined;
  }

  schemaOf(origin: SchemaOrigin, role: SchemaRole): JsonSchema | undefined {
    return this.sets.find((s) => s.origin === origin)?.schemas[role];
  }

  /** The compiled function for a role; the bench compares it against raw ajv. */
  compiledFor(origin: SchemaOrigin, role: SchemaRole): ValidateFunction {
    const key = `${origin}:${role}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const schema = this.schemaOf(origin, role);
      if (!schema?.$id) throw new Error(`no ${role} schema derived from ${origin}`);
      fn = this.ajv.getSchema(schema.$id) as ValidateFunction;
      this.compiled.set(key, fn);
    }
    return fn;
  }

  validate(origin: SchemaOrigin, role: SchemaRole, value: unknown): readonly Violation[] {
    const fn = this.compiledFor(origin, role);
    if (fn(value)) return NONE;
    return (fn.errors ?? []).map((e) => toViolation(e, value));
  }
}

function toViolation(error: ErrorObject, document: unknown): Violation {
  const params = error.params as Record<string, unknown>;
  let pointer = error.instancePath;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    pointer = `${pointer}/${escapePointer(params.missingProperty)}`;
  }
  const actual = error.keyword === 'required' ? undefined : valueAt(document, error.instancePath);
  const expected = expectedOf(error);
  return {
    pointer: pointer || '',
    keyword: error.keyword,
    schemaPath: error.schemaPath,
    ...(expected !== undefined ? { expected } : {}),
    ...(actual !== undefined ? { actual } : {}),
    message: `${pointer || '(root)'} ${error.message ?? error.keyword}`,
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

export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
