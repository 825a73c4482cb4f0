// One ajv instance per contract: schemas compiled once, violations returned as data (ajv's own
// errors mapped to JSON pointers), never as strings to parse. The valid path is one call into the
// compiled function, so the project's validator costs what raw ajv costs.

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { escapePointer, valueAt } from '../json';
import { ANNOTATION_KEYWORDS, type JsonSchema } from '../model/json-schema';

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

/** Validators already built in this process, by the exact text of their schemas. */
const built = new Map<string, SchemaValidator>();

/** Schemas added once by $id and compiled on first use: the valid path is one call into ajv's function. */
export class SchemaValidator {
  private readonly ajv = createAjv();
  private readonly compiled = new Map<string, ValidateFunction>();

  /**
   * The validator of exactly these schemas (each with its $id): one per process, so a second
   * contract of the same schemas (a suite's next run, the mutation score's next mutant) compiles nothing.
   */
  static of(schemas: readonly JsonSchema[]): SchemaValidator {
    const key = JSON.stringify(schemas);
    let validator = built.get(key);
    if (!validator) {
      validator = new SchemaValidator();
      for (const schema of schemas) validator.add(schema);
      built.set(key, validator);
    }
    return validator;
  }

  add(schema: JsonSchema): void {
    if (schema.$id && !this.ajv.getSchema(schema.$id)) this.ajv.addSchema(schema as object);
  }

  /** The compiled function for a schema id; the bench compares it against raw ajv. */
  compiledFor(id: string): ValidateFunction {
    let fn = this.compiled.get(id);
    if (!fn) {
      fn = this.ajv.getSchema(id) as ValidateFunction | undefined;
      if (!fn) throw new Error(`no schema ${id}`);
      this.compiled.set(id, fn);
    }
    return fn;
  }

  validate(id: string, value: unknown): readonly Violation[] {
    const fn = this.compiledFor(id);
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
