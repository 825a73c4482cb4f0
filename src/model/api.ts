// Which API a model describes, from its sources: where Twilio serves it (the spec's `servers`, else
// the docs pages' request lines), its product and version, and a title for people (`info.title`).
// Everything that names the API — the default base URL and its environment variable, cassettes'
// origin, pact participants, report titles — reads this, so nothing below names a product.

import { isRecord } from '../json';

export interface ApiInfo {
  /** For people: "Twilio Conversations v1". */
  title: string;
  /** Where Twilio serves it ("https://conversations.twilio.com"); absent when no source says. */
  origin?: string;
  /** The product, lower case: the host's first label ("conversations", "api", "flex-api"). */
  product: string;
  /** The version as Twilio's libraries name it: "v1", "v2010" (paths under /2010-04-01). */
  version: string;
}

/** The version segment a path starts with: /v1/…, or API v2010's /2010-04-01/…. */
const VERSION = /^(v\d+(?:beta)?|\d{4}-\d{2}-\d{2})$/;

/** The version most paths start with ("2010-04-01" is "v2010"); '' when they name none. */
export function versionOf(paths: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const path of paths) {
    const first = path.split('/').filter(Boolean)[0] ?? '';
    if (VERSION.test(first)) counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!top) return '';
  return /^\d{4}-/.test(top) ? `v${top.slice(0, 4)}` : top;
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** "Twilio - Conversations" → "Twilio Conversations"; the version appended unless the title says it. */
function titleOf(raw: string | undefined, product: string, version: string): string {
  const name = raw?.trim()
    ? raw.trim().replace(/^Twilio\s*-\s*/i, 'Twilio ')
    : `Twilio ${product.charAt(0).toUpperCase()}${product.slice(1)}`;
  return version && !name.includes(version) ? `${name} ${version}` : name;
}

function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The first server a spec names: at the top, else on a path item or an operation. */
function specServer(spec: Record<string, unknown>): string | undefined {
  const first = (servers: unknown) =>
    Array.isArray(servers)
      ? servers.map((s) => originOf(isRecord(s) ? s.url : undefined)).find(Boolean)
      : undefined;
  const top = first(spec.servers);
  if (top) return top;
  for (const item of Object.values(isRecord(spec.paths) ? spec.paths : {})) {
    if (!isRecord(item)) continue;
    const found =
      first(item.servers) ??
      Object.values(item)
        .map((op) => (isRecord(op) ? first(op.servers) : undefined))
        .find(Boolean);
    if (found) return found;
  }
  return undefined;
}

/** From a spec: `servers`, `info.title`, and the paths' version. */
export function apiInfoFromSpec(spec: Record<string, unknown>): ApiInfo {
  const origin = specServer(spec);
  const info = isRecord(spec.info) ? spec.info : {};
  const rawTitle = typeof info.title === 'string' ? info.title : undefined;
  const version = versionOf(Object.keys(isRecord(spec.paths) ? spec.paths : {}));
  const product = origin
    ? (new URL(origin).hostname.split('.')[0] ?? 'api')
    : slug(rawTitle?.replace(/^Twilio\s*-\s*/i, '').split(/[\s:]/)[0] ?? '') || 'api';
  return { title: titleOf(rawTitle, product, version), ...(origin ? { origin } : {}), product, version };
}

/** From docs pages alone: the origin and paths of their request lines. */
export function apiInfoFromUrls(urls: readonly string[]): ApiInfo {
  const origin = urls.map(originOf).find(Boolean);
  const paths = urls.flatMap((u) => {
    try {
      return [decodeURIComponent(new URL(u).pathname)];
    } catch {
      return [];
    }
  });
  const version = versionOf(paths);
  const product = origin ? (new URL(origin).hostname.split('.')[0] ?? 'api') : 'api';
  return { title: titleOf(undefined, product, version), ...(origin ? { origin } : {}), product, version };
}

/** The pact's two sides: twilio-node as consumer, the API as provider ("twilio-conversations-v1"). */
export function pactParticipants(api: ApiInfo): { consumer: string; provider: string } {
  const name = slug(api.product) || 'api';
  return {
    consumer: `twilio-node-${name}-consumer`,
    provider: `twilio-${name}${api.version ? `-${api.version}` : ''}`,
  };
}

/** The environment variable that names a base URL for this API: TWILIO_CONVERSATIONS_BASE_URL. */
export const baseUrlVariable = (api: ApiInfo): string =>
  `TWILIO_${(slug(api.product) || 'api').toUpperCase().replace(/-/g, '_')}_BASE_URL`;
