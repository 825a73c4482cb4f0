// The pacts' matchers are as loose as the contract: every value the contract's format accepts, the
// matcher accepts, and (calendar and leap-second rules aside, which no regex knows) the reverse.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RFC3339_DATE_TIME, stringPattern, URI } from '../../src/pact/matchers';
import { createAjv } from '../../src/schemas/validator';

const ajv = createAjv();
const contractAccepts = ajv.compile({ type: 'string', format: 'date-time' });
const matcherAccepts = (s: string) => new RegExp(RFC3339_DATE_TIME).test(s);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Date-time-shaped strings, valid and not: every component drawn from in and out of range. */
const dateTimeLike = fc
  .record({
    y: fc.integer({ min: 0, max: 9999 }),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 28 }),
    sep: fc.constantFrom('T', 't', ' ', '_', ''),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 61 }),
    s: fc.integer({ min: 0, max: 59 }),
    frac: fc.constantFrom('', '.8', '.818', '.123456789', '.'),
    tz: fc.constantFrom('Z', 'z', '', '+00:00', '-05:30', '+0530', '+05', '+24:00', '+05:61', 'UTC', 'GMT'),
  })
  .map(
    (p) =>
      `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}${p.sep}${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}${p.frac}${p.tz}`,
  );

describe('Pact matchers from the resolved contract', () => {
  it.each([
    '2025-03-03T10:15:00.818Z',
    '2025-03-03T10:15:00Z',
    '2025-03-03T10:15:00+01:00',
    '2025-03-03t10:15:00z',
  ])('a date-time the contract accepts passes the matcher: %s', (value) => {
    expect(contractAccepts(value)).toBe(true);
    expect(matcherAccepts(value)).toBe(true);
  });

  it.each(['2024-01-01 10:00:00', 'Mon, 01 Jan 2024 00:00:00 +0000', '2024-01-01', '1704067200'])(
    'a date-time the contract rejects fails the matcher: %s',
    (value) => {
      expect(contractAccepts(value)).toBe(false);
      expect(matcherAccepts(value)).toBe(false);
    },
  );

  // A fresh seed each run; a failure reports its seed and path, which replay it exactly.
  it('matcher and contract agree on every date-time-shaped string', () => {
    fc.assert(
      fc.property(dateTimeLike, (value) => {
        expect(matcherAccepts(value)).toBe(contractAccepts(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('and on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        expect(matcherAccepts(value)).toBe(contractAccepts(value));
      }),
      { numRuns: 500 },
    );
  });

  it('a disputed pattern matches what either source accepts', () => {
    const pattern = stringPattern({ type: 'string', 'x-any-pattern': ['^aia_asst_*$', '^aia_asst_.+$'] });
    const re = new RegExp(pattern ?? '');
    expect(['aia_asst', 'aia_asst_6e78', 'aia_asst___'].every((v) => re.test(v))).toBe(true);
    expect(re.test('asst_1')).toBe(false);
  });

  it('a uri is any absolute URI', () => {
    const uri = ajv.compile({ type: 'string', format: 'uri' });
    for (const v of ['https://assistants.twilio.com/v1/Sessions?PageSize=2', 'http://127.0.0.1:4010/x'])
      expect([uri(v), new RegExp(URI).test(v)]).toEqual([true, true]);
    expect(new RegExp(URI).test('/v1/Sessions?PageSize=2')).toBe(false);
  });
});
