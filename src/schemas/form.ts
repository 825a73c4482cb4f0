// Form-encoded request bodies, as most Twilio products take them (a few take JSON): a
// body is sent as `application/x-www-form-urlencoded`, an array as the same key repeated, an object
// as its JSON text, a boolean or a number as its text. Read back, a form body is typed by the
// request schema (a number, a boolean, an array of repeated keys) so it is validated like JSON.

import type { JsonSchema } from '../model/json-schema';
import { schemaTypes } from '../model/json-schema';
import type { RequestEncoding } from '../model/writes';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'object' && value !== null
      ? JSON.stringify(value)
      : String(value);

/** An object body as a form: each field a key, an array's items the key repeated, null and undefined left out. */
export function encodeForm(body: unknown): string {
  const form = new URLSearchParams();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return '';
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) form.append(key, text(item));
    else form.append(key, text(value));
  }
  return form.toString();
}

/** One form value as the field's schema types it; left a string when it is not what the schema says. */
function typed(raw: string, schema: JsonSchema | undefined): unknown {
  const types = schema ? schemaTypes(schema) : [];
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw))
    return Number(raw);
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (types.includes('object') && !types.includes('string')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

/**
 * A form body as the request schema types it: a field the schema calls an array holds every value
 * its key was sent with; any other key sent more than once holds them all too (the schema then
 * refuses it, as Twilio would be left to guess).
 */
export function decodeForm(body: string, schema?: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const form = new URLSearchParams(body);
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key);
    const field = schema?.properties?.[key];
    if (field && schemaTypes(field).includes('array')) out[key] = values.map((v) => typed(v, field.items));
    else
      out[key] = values.length === 1 ? typed(values[0] as string, field) : values.map((v) => typed(v, field));
  }
  return out;
}

/** The Content-Type of a body sent with this encoding (absent: JSON). */
export const mediaTypeOf = (encoding?: RequestEncoding): string =>
  encoding === 'form' ? FORM_MEDIA_TYPE : 'application/json';

/** A write's body as its encoding sends it (absent: JSON), with its Content-Type. */
export function encodeBody(
  body: unknown,
  encoding: RequestEncoding = 'json',
): { payload: Buffer; contentType: string } {
  const text = encoding === 'form' ? encodeForm(body) : JSON.stringify(body);
  return { payload: Buffer.from(text), contentType: mediaTypeOf(encoding) };
}

/** A request body as received, by its Content-Type: a form typed by the schema, else JSON. */
export function decodeBody(
  raw: string,
  contentType: string | undefined,
  schema?: JsonSchema,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if ((contentType ?? '').toLowerCase().startsWith(FORM_MEDIA_TYPE))
    return { ok: true, value: decodeForm(raw, schema) };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
