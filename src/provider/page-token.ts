// Opaque, signed PageTokens, as a real provider hands out: a client can only follow them, never
// forge or edit one. A tampered token fails verification and gets 400.

import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenState {
  /** Offset of the first item of the page the token leads to. */
  offset: number;
}

export class PageTokens {
  constructor(private readonly secret: string) {}

  sign(state: TokenState): string {
    const payload = Buffer.from(JSON.stringify({ o: state.offset })).toString('base64url');
    return `PT${payload}.${this.mac(payload)}`;
  }

  verify(token: string): TokenState | undefined {
    const m = /^PT([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!m?.[1] || !m[2]) return undefined;
    const expected = Buffer.from(this.mac(m[1]));
    const given = Buffer.from(m[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const o = (JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as { o?: unknown }).o;
      return Number.isSafeInteger(o) && (o as number) >= 0 ? { offset: o as number } : undefined;
    } catch {
      return undefined;
    }
  }

  /** The payload without checking the signature: what a provider with this bug would serve. */
  decodeUnverified(token: string): TokenState | undefined {
    const m = /^PT([A-Za-z0-9_-]+)/.exec(token);
    try {
      const o = (JSON.parse(Buffer.from(m?.[1] ?? '', 'base64url').toString('utf8')) as { o?: unknown }).o;
      return Number.isSafeInteger(o) && (o as number) >= 0 ? { offset: o as number } : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }
}
