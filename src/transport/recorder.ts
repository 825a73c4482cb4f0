// Recording: nock's recorder captures what the conformance scenarios send and receive; the result
// becomes a cassette with credentials removed, the host normalised to Twilio's, and (optionally)
// the account SID redacted. The docs' own examples make a cassette too.

import '../polyfills';
import { isRecord } from '../json';
import { type ApiModel, fillPath } from '../model/operation';
import { TWILIO_ASSISTANTS_ORIGIN } from '../model/twilio-conventions';
import type { Cassette, Interaction } from './cassette';

const REDACTED_ACCOUNT = `AC${'0'.repeat(32)}`;

interface NockDefinition {
  scope: string;
  method: string;
  path: string;
  status: number;
  response?: unknown;
  rawHeaders?: Record<string, string> | string[];
  reqheaders?: Record<string, string>;
}

/** Runs `work` with nock's recorder on and returns what it recorded. */
export async function recordWith(work: () => Promise<void>): Promise<NockDefinition[]> {
  const { default: nock } = await import('nock');
  nock.recorder.clear();
  nock.recorder.rec({ output_objects: true, dont_print: true, enable_reqheaders_recording: true });
  try {
    await work();
    return nock.recorder.play() as NockDefinition[];
  } finally {
    nock.restore();
    nock.recorder.clear();
    nock.activate();
  }
}

// Response headers worth keeping: they are part of the contract. Everything else (dates, request
// ids, cookies, tracing) changes on every call or may identify the account.
const KEPT_HEADERS = new Set(['content-type', 'retry-after']);

export interface ScrubOptions {
  label: string;
  source: string;
  /** Values that must not survive anywhere in the cassette (tokens, secrets). */
  secrets: readonly string[];
  redactAccount?: string;
}

export function cassetteFromRecording(defs: readonly NockDefinition[], o: ScrubOptions): Cassette {
  const interactions: Interaction[] = defs.map((d) => {
    const headers = headerObject(d.rawHeaders);
    const reqheaders = Object.fromEntries(
      Object.entries(d.reqheaders ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const kept = Object.fromEntries(
      Object.entries(headers).filter(([k]) => KEPT_HEADERS.has(k.toLowerCase())),
    );
    const rewrite = (text: string) => scrubText(text.replaceAll(d.scope, TWILIO_ASSISTANTS_ORIGIN), o);
    const body = d.response;
    const response: Interaction['response'] =
      typeof body === 'string'
        ? { status: d.status, headers: kept, bodyText: rewrite(body) }
        : { status: d.status, headers: kept, body: JSON.parse(rewrite(JSON.stringify(body ?? null))) };
    return {
      request: { method: 'GET', path: rewrite(d.path), authenticated: 'authorization' in reqheaders },
      response,
    };
  });
  return {
    label: o.label,
    source: o.source,
    origin: TWILIO_ASSISTANTS_ORIGIN,
    recordedAt: new Date().toISOString(),
    interactions,
  };
}

function scrubText(text: string, o: ScrubOptions): string {
  let out = text;
  for (const secret of o.secrets) if (secret) out = out.replaceAll(secret, '[REDACTED]');
  if (o.redactAccount) out = out.replaceAll(o.redactAccount, REDACTED_ACCOUNT);
  return out;
}

function headerObject(raw: NockDefinition['rawHeaders']): Record<string, string> {
  if (!raw) return {};
  if (!Array.isArray(raw)) return raw;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
  return out;
}

/** A cassette of the docs pages' own example outputs, each under its operation's path. */
export function cassetteFromDocs(model: ApiModel): Cassette {
  const interactions: Interaction[] = [];
  const where: string[] = [];
  for (const op of model.operations) {
    for (const example of op.examples ?? []) {
      const values: Record<string, string> = {};
      const sample = isRecord(example.value) ? example.value : {};
      const item =
        op.itemsKey && Array.isArray(sample[op.itemsKey]) ? (sample[op.itemsKey] as unknown[])[0] : sample;
      op.pathParams.forEach((p, k) => {
        // The instance's own id names the last parameter of a fetch; a parent's id, a field named after it.
        const fields = [
          snake(p.name),
          p.name,
          ...(op.kind === 'instance' && k === op.pathParams.length - 1 ? ['id', 'sid'] : []),
        ];
        const found = fields
          .map((f) => (isRecord(item) ? item[f] : undefined))
          .find((v) => typeof v === 'string');
        values[p.name] = typeof found === 'string' ? found : 'example';
      });
      where.push(`${example.file}:${example.line}`);
      interactions.push({
        request: { method: 'GET', path: fillPath(op.path, values), authenticated: true },
        response: { status: 200, headers: { 'content-type': 'application/json' }, body: example.value },
      });
    }
  }
  return {
    label: `docs examples (${where.join(', ')})`,
    source: 'docs-example',
    origin: TWILIO_ASSISTANTS_ORIGIN,
    interactions,
  };
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
