// The reference provider's sessions: a pure function of (seed, index), so 100,000 sessions cost no
// memory and the same seed always gives the same data.

import { createHash } from 'node:crypto';

export interface Session {
  id: string;
  account_sid: string;
  assistant_id: string;
  verified: boolean;
  identity: string;
  date_created: string;
  date_updated: string;
}

const hex = (seed: number, label: string, length: number): string => {
  let out = '';
  for (let k = 0; out.length < length; k++) {
    out += createHash('sha256').update(`${seed}:${label}:${k}`).digest('hex');
  }
  return out.slice(0, length);
};

/** The account every generated session belongs to, unless the provider is given one. */
export const defaultAccountSid = (seed: number): string => `AC${hex(seed, 'account', 32)}`;

export function sessionAt(seed: number, index: number, accountSid: string): Session {
  const h = hex(seed, `session:${index}`, 44);
  const created = Date.UTC(2024, 0, 1) + index * 61_000 + Number.parseInt(h.slice(0, 4), 16) * 1000;
  const updated = created + Number.parseInt(h.slice(4, 8), 16) * 1000;
  return {
    // Twilio's session ids are opaque strings; ours sort in creation order.
    id: `sess_${index.toString().padStart(8, '0')}${h.slice(8, 16)}`,
    account_sid: accountSid,
    // Real assistant ids look like aia_asst_<uuid>.
    assistant_id: `aia_asst_${h.slice(12, 20)}-${h.slice(20, 24)}-${h.slice(24, 28)}-${h.slice(28, 32)}-${h.slice(32, 44)}`,
    verified: Number.parseInt(h.slice(0, 1), 16) % 2 === 0,
    identity: `user_${h.slice(0, 6)}`,
    date_created: isoSeconds(created),
    date_updated: isoSeconds(updated),
  };
}

/** Twilio prints date-times as ISO 8601 in UTC without milliseconds. */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function indexOfId(id: string, count: number): number | undefined {
  const m = /^sess_(\d{8})[0-9a-f]{8}$/.exec(id);
  if (!m?.[1]) return undefined;
  const index = Number(m[1]);
  return index < count ? index : undefined;
}
