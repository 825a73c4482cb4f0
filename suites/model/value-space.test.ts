// How many distinct values a field can take, from its schema alone (src/model/value-space.ts): what
// bounds how many items a list keyed by that field can hold, at the reference provider and in the
// pagination properties that resize a list.

import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/model/json-schema';
import type { Operation } from '../../src/model/operation';
import { idSpace, listValues, valueSpace } from '../../src/model/value-space';

const INF = Number.POSITIVE_INFINITY;

describe('value space', () => {
  it.each<[string, JsonSchema, number]>([
    [
      'a format of a fixed shape (ISO country code)',
      { type: ['string', 'null'], format: 'iso-country-code' },
      676,
    ],
    ['a currency code', { type: 'string', format: 'currency' }, 52 ** 3],
    ['a pattern of fixed length', { type: 'string', pattern: '^[A-Z]{2}$' }, 676],
    ['a pattern within length bounds', { type: 'string', pattern: '^[A-Z]+$', maxLength: 2 }, 26 + 676],
    ['a pattern with an optional group', { type: 'string', pattern: '^(?:ab|cd)?x\\d$' }, 30],
    ['an unanchored pattern, read as the generator reads it', { type: 'string', pattern: '[a-c]{2}' }, 9],
    ['a SID: as good as infinite', { type: 'string', pattern: '^YE[0-9a-fA-F]{32}$' }, INF],
    ['an unbounded repeat', { type: 'string', pattern: '^aia_asst_.+$' }, INF],
    ['an alternation the anchors do not both bind', { type: 'string', pattern: '^a|b$' }, INF],
    ['a lookahead (not read: no bound assumed)', { type: 'string', pattern: '^(?=a)[ab]$' }, INF],
    ['free text', { type: 'string' }, INF],
    ['an enum (null aside)', { enum: ['a', 'b', null] }, 2],
    ['a bounded integer', { type: 'integer', minimum: 1, maximum: 10 }, 10],
    ['an unbounded integer', { type: ['integer', 'null'] }, INF],
    ['a boolean', { type: 'boolean' }, 2],
  ])('%s', (_what, schema, size) => {
    expect(valueSpace(schema)).toBe(size);
  });

  it('lists a small space value by value, each one valid, none twice', () => {
    const values = listValues({ type: 'string', format: 'iso-country-code' }) ?? [];
    expect(values).toHaveLength(676);
    expect(new Set(values).size).toBe(676);
    expect(values.every((v) => /^[A-Z]{2}$/.test(v))).toBe(true);
    expect(listValues({ type: 'string', pattern: '^[A-Z]+$', maxLength: 2 })).toHaveLength(702);
    expect(listValues({ type: 'string' })).toBeUndefined();
  });

  it("a list holds at most its id field's value space, the smallest any source states", () => {
    const list = (id: JsonSchema, docs?: JsonSchema) =>
      ({
        kind: 'list',
        idField: 'iso_code',
        itemsKey: 'countries',
        schemas: Object.fromEntries(
          (
            [
              ['openapi', id],
              ['docs', docs],
            ] as const
          )
            .filter(([, s]) => s !== undefined)
            .map(([o, s]) => [
              o,
              { response: { properties: { countries: { items: { properties: { iso_code: s } } } } } },
            ]),
        ),
      }) as unknown as Operation;
    expect(idSpace(list({ type: 'string', format: 'iso-country-code' }))).toBe(676);
    expect(idSpace(list({ type: 'string' }, { type: 'string', pattern: '^[A-Z]{2}$' }))).toBe(676);
    expect(idSpace(list({ type: 'string' }))).toBe(INF);
  });
});
