// The OpenAPI spec of a run, from a file or a URL, JSON or YAML (twilio-oai publishes both). What
// cannot be read, fetched or parsed, or is not an OpenAPI 3 document, is one line naming it.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors';
import { MAX_INPUT_BYTES, readTextFile } from '../fs-read';
import { isRecord } from '../json';
import { yaml } from '../lazy';

export interface SpecSource {
  /** The OpenAPI document. */
  doc: Record<string, unknown>;
  /** Where it was read from: the path or the URL, as given. */
  from: string;
}

/** A spec fetched from a URL is abandoned after this long. */
export const SPEC_FETCH_TIMEOUT_MS = 30_000;

export const isSpecUrl = (ref: string): boolean => /^https?:\/\//i.test(ref);

export const isOpenApi = (doc: unknown): doc is Record<string, unknown> =>
  isRecord(doc) && typeof doc.openapi === 'string' && isRecord(doc.paths);

/** The text of an OpenAPI document, JSON or YAML, as a value; one line when it is neither. */
export function parseSpecText(text: string, from: string): unknown {
  const trimmed = text.trimStart();
  try {
    // A bounded alias count: a YAML alias bomb is refused, not expanded.
    return trimmed.startsWith('{') ? JSON.parse(text) : yaml().parse(text, { maxAliasCount: 1000 });
  } catch (error) {
    const kind = trimmed.startsWith('{') ? 'not valid JSON' : 'neither JSON nor YAML';
    throw new UsageError(`openapi spec ${from}: ${kind} (${(error as Error).message.split('\n')[0]})`);
  }
}

/** The text as an OpenAPI 3 document, or one line saying why it is not one. */
export function specDocument(text: string, from: string): Record<string, unknown> {
  const doc = parseSpecText(text, from);
  if (!isOpenApi(doc))
    throw new UsageError(`openapi spec ${from}: not an OpenAPI 3 document (no "openapi" version or "paths")`);
  return doc;
}

/** Where Twilio publishes every product's spec, one file a product, JSON (spec/json/) and YAML (spec/yaml/). */
const TWILIO_OAI_RAW = 'https://raw.githubusercontent.com/twilio/twilio-oai/main/spec';

/** The spec's name in the sources folder (TWILIO_SOURCES_DIR), where .ci/sources puts it. */
export const SPEC_FILE = 'twilio_assistants_v1.openapi.json';

/** What a spec path that leads nowhere is told: where specs come from, the URL itself for a twilio-oai name. */
function specNotFoundHint(path: string): string {
  const name = basename(path);
  if (name === SPEC_FILE)
    return "bash .ci/sources fetches it, or give --spec FILE|URL: twilio/twilio-oai has every product's in spec/json/ and spec/yaml/";
  const oai = /^twilio_[a-z0-9_]+\.(json|yaml)$/.exec(name);
  const where = oai ? `, e.g. --spec ${TWILIO_OAI_RAW}/${oai[1]}/${name}` : ' in spec/json/ and spec/yaml/';
  return `a spec is a file or an http(s) URL: twilio/twilio-oai has every product's${where}`;
}

/** Nothing at this path (ENOENT); any other trouble is readTextFile's to name. */
function noSuchFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}

/** A spec file (JSON or YAML). */
export function readSpecFile(path: string): SpecSource {
  if (noSuchFile(path)) throw new UsageError(`openapi spec ${path}: not found (${specNotFoundHint(path)})`);
  return { doc: specDocument(readTextFile(path, 'openapi spec'), path), from: path };
}

/** A spec from a file or an http(s) URL. */
export async function readSpec(ref: string): Promise<SpecSource> {
  if (!isSpecUrl(ref)) return readSpecFile(ref);
  return { doc: specDocument(await fetchSpecText(ref), ref), from: ref };
}

/** The body of a spec URL: a 2xx within the timeout and the size bound, else one line. */
async function fetchSpecText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'follow',
      signal: AbortSignal.timeout(SPEC_FETCH_TIMEOUT_MS),
      headers: { accept: 'application/json, application/yaml, text/yaml, */*' },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${SPEC_FETCH_TIMEOUT_MS} ms`
        : (cause ?? (error as Error).message);
    throw new UsageError(`openapi spec ${url}: could not be fetched (${why})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UsageError(`openapi spec ${url}: the server answered ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_INPUT_BYTES) {
    await response.body?.cancel();
    throw new UsageError(`openapi spec ${url}: ${declared} bytes, more than the ${MAX_INPUT_BYTES} read`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const next = await reader?.read().catch((error: Error) => {
      throw new UsageError(`openapi spec ${url}: the body could not be read (${error.message})`);
    });
    if (!next || next.done) break;
    total += next.value.byteLength;
    if (total > MAX_INPUT_BYTES) {
      await reader?.cancel();
      throw new UsageError(`openapi spec ${url}: more than the ${MAX_INPUT_BYTES} bytes read`);
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
