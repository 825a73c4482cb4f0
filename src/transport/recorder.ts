// Recording: every exchange the conformance scenarios complete through the transport becomes an
// interaction of a cassette, with credentials removed, the host normalised to Twilio's (the API's
// origin, from its spec), and
// (optionally) the account SID redacted. The docs' own examples make a cassette too.

import { isRecord } from '../json';
import type { ApiModel } from '../model/model';
import { fillPath, successMedia, successStatus } from '../model/operation';
import { snakeCase } from '../model/twilio-conventions';
import type { Cassette, Interaction } from './cassette';
import type { Exchange, HttpTransport } from './http';

const REDACTED_ACCOUNT = `AC${'0'.repeat(32)}`;

/** Runs `work` and returns every exchange `transport` completed meanwhile. */
export async function recordExchanges(
  transport: HttpTransport,
  work: () => Promise<void>,
): Promise<Exchange[]> {
  const seen: Exchange[] = [];
  const stop = transport.onExchange((e) => seen.push(e));
  try {
    await work();
  } finally {
    stop();
  }
  return seen;
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
  /** Where Twilio serves the API (ApiInfo.origin): the recorded host is replaced by it; absent, kept. */
  origin?: string;
}

export function cassetteFromRecording(exchanges: readonly Exchange[], o: ScrubOptions): Cassette {
  const recorded = exchanges.find((e) => e.response)?.request.url;
  const origin = o.origin ?? (recorded ? new URL(recorded).origin : 'http://127.0.0.1');
  const interactions: Interaction[] = exchanges.flatMap((e) => {
    if (!e.response) return [];
    const url = new URL(e.request.url);
    const rewrite = (text: string) => scrubText(text.replaceAll(url.origin, origin), o);
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).filter(([k]) => KEPT_HEADERS.has(k.toLowerCase())),
    );
    const text = rewrite(e.response.body);
    let response: Interaction['response'];
    try {
      response = { status: e.response.status, headers, body: JSON.parse(text) };
    } catch {
      response = { status: e.response.status, headers, bodyText: text };
    }
    const body =
      e.request.body === undefined ? undefined : JSON.parse(rewrite(JSON.stringify(e.request.body)));
    return [
      {
        request: {
          method: e.request.method as Interaction['request']['method'],
          path: rewrite(`${url.pathname}${url.search}`),
          authenticated: e.request.authenticated,
          ...(body !== undefined ? { body } : {}),
        },
        response,
      },
    ];
  });
  return {
    label: o.label,
    source: o.source,
    origin,
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
          snakeCase(p.name),
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
        response: {
          status: successStatus(op),
          headers: { 'content-type': successMedia(op) },
          body: example.value,
        },
      });
    }
  }
  return {
    label: `docs examples (${where.join(', ')})`,
    source: 'docs-example',
    origin: model.api.origin ?? 'http://127.0.0.1',
    interactions,
  };
}
