// Opaque, signed PageTokens, as a real provider hands out: a client can only follow them, never
// forge or edit one, nor carry one from one list to another. A tampered token fails verification
// and gets 400.

import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenState {
  /** Offset of the first item of the page the token leads to. */
  offset: number;
  /** Index of that page. */
  page?: number;
}

export class PageTokens {
  constructor(private readonly secret: string) {}

  sign(state: TokenState, scope: string): string {
    const payload = Buffer.from(JSON.stringify({ o: state.offset, p: state.page })).toString('base64url');
    return `PT${payload}.${this.mac(payload, scope)}`;
  }

  verify(token: string, scope: string): TokenState | undefined {
    const m = /^PT([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!m?.[1] || !m[2]) return undefined;
    const expected = Buffer.from(this.mac(m[1], scope));
    const given = Buffer.from(m[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    return decode(m[1]);
  }

  /** The payload without checking the signature: what a provider with this bug would serve. */
  decodeUnverified(token: string): TokenState | undefined {
    return decode(/^PT([A-Za-z0-9_-]+)/.exec(token)?.[1] ?? '');
  }

  private mac(payload: string, scope: string): string {
    return createHmac('sha256', this.secret)
      .update(`${scope}\u0000${payload}`)
      .digest('base64url')
      .slice(0, 22);
  }
}

function decode(payload: string): TokenState | undefined {
  try {
    const { o, p } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      o?: unknown;
      p?: unknown;
    };
    if (!Number.isSafeInteger(o) || (o as number) < 0) return undefined;
    return Number.isSafeInteger(p) && (p as number) >= 0
      ? { offset: o as number, page: p as number }
      : { offset: o as number };
  } catch {
    return undefined;
  }
}
