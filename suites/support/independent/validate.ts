// Request bodies judged as a strict service would: JSON only, an object, the operation's request schema
// (compiled once with ajv), then the prose rules the schema cannot say. The first violation is refused
// with 400 and a message that names the field.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { badRequest } from './errors';
import { REQUEST_SCHEMAS } from './request-rules';

export type Body = Record<string, unknown>;

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new Map<string, ValidateFunction>(
  Object.entries(REQUEST_SCHEMAS).map(([op, s]) => [op, ajv.compile(s)]),
);

const fieldOf = (e: ErrorObject): string => {
  const path = e.instancePath.split('/').filter(Boolean);
  const extra = e.params as { missingProperty?: string; additionalProperty?: string };
  const last = extra.missingProperty ?? extra.additionalProperty;
  return [...path, ...(last ? [last] : [])].join('.');
};

export function describeError(e: ErrorObject): string {
  const field = fieldOf(e);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `Missing required parameter '${field}'`;
    case 'additionalProperties':
      return `Unknown parameter '${field}': this request does not take it`;
    case 'enum':
      return `Invalid value for '${field}': must be one of ${(p.allowedValues as unknown[]).map((v) => `'${v}'`).join(', ')}`;
    case 'type':
      return `Invalid value for '${field}': must be ${String(p.type)}`;
    case 'pattern':
      return `Invalid value for '${field}': must match ${String(p.pattern)}`;
    default:
      return `Invalid value for '${field}': ${e.message ?? e.keyword}`;
  }
}

/** The body of a request: absent or empty is `{}` when the operation's body is optional; JSON object only. */
export function parseBody(raw: string, contentType: string | undefined, required: boolean): Body {
  if (raw.trim() === '') {
    if (required) throw badRequest('Missing request body: this request takes a JSON object');
    return {};
  }
  if (!/^application\/json\b/i.test(contentType ?? '')) {
    throw badRequest(
      `Unsupported Content-Type '${contentType ?? ''}': the request body must be application/json`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw badRequest(`Malformed JSON in the request body: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('Invalid request body: must be a JSON object');
  }
  return parsed as Body;
}

/** Refuses the first thing the operation's request schema refuses. */
export function checkSchema(operation: string, body: Body): void {
  const validate = compiled.get(operation);
  if (!validate) throw new Error(`no request schema for ${operation}`);
  if (!validate(body)) {
    const [first] = validate.errors ?? [];
    throw badRequest(first ? describeError(first) : 'Invalid request body');
  }
}

/**
 * "The embedding model to be used for the knowledge source. It's required for 'Database' type but
 * disallowed for other types." (create) and "It's only applicable to 'Database' type." (update):
 * `type` is the type the source has after the request, `hadModel` whether it already has one.
 */
export function checkEmbeddingModel(type: unknown, body: Body, hadModel: boolean): void {
  const sent = body.embedding_model !== undefined;
  if (type === 'Database' && !sent && !hadModel) {
    throw badRequest("Missing required parameter 'embedding_model': it is required for 'Database' type");
  }
  if (type !== 'Database' && sent) {
    throw badRequest(
      `Invalid parameter 'embedding_model': it is only applicable to 'Database' type, not '${String(type)}'`,
    );
  }
}
