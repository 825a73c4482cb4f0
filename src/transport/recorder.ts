// Recording: nock's recorder captures what the conformance scenarios send and receive; the result
// becomes a cassette with credentials removed, the host normalised to Twilio's, and (optionally)
// the account SID redacted. The docs' own examples make a cassette too.

import '../polyfills';
import nock from 'nock';
import type { DocsPage } from '../derive/docs-page';
import { resourceOperations } from '../derive/docs-schemas';
import { TWILIO_ASSISTANTS_ORIGIN } from '../derive/twilio-conventions';
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

/** A cassette of the docs page's own example outputs, each under its operation's path. */
export function cassetteFromDocs(page: DocsPage): Cassette {
  const ops = resourceOperations(page.operations);
  const interactions: Interaction[] = [];
  const lines: number[] = [];
  for (const op of [ops.fetch, ops.list]) {
    for (const example of op?.examples ?? []) {
      let path = op?.path ?? '/';
      const param = /\{([^}]+)\}/.exec(path)?.[1];
      if (param) {
        const value = (example.value as Record<string, unknown> | null)?.[param];
        if (typeof value !== 'string') continue;
        path = path.replace(`{${param}}`, encodeURIComponent(value));
      }
      lines.push(example.line);
      interactions.push({
        request: { method: 'GET', path, authenticated: true },
        response: { status: 200, headers: { 'content-type': 'application/json' }, body: example.value },
      });
    }
  }
  return {
    label: `docs examples (${page.file} lines ${lines.join(', ')})`,
    source: 'docs-example',
    origin: TWILIO_ASSISTANTS_ORIGIN,
    interactions,
  };
}
