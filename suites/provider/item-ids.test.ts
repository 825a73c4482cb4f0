// The reference provider's generated items have unique ids, whatever the id field's type: an integer
// id (a Sync list item's index) that the generator draws from a small range still gives a thousand
// items a thousand ids, else a page walk meets the same item twice (pagination.chaining).

import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/model/operation';
import { ItemStore } from '../../src/provider/item-store';

describe('generated ids', () => {
  it('are unique for an integer id field over a thousand items', () => {
    const op = { id: 'ListThings', idField: 'index' } as unknown as Operation;
    const schema = { type: 'object' as const, properties: { index: { type: 'integer' as const } } };
    const store = new ItemStore(op, schema, '', 7, {});
    const ids = Array.from({ length: 1000 }, (_, k) => store.idAt(k));
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => /^-?\d+$/.test(id))).toBe(true);
  });
});

describe('a list whose id field has few values (two-letter country codes: 676)', () => {
  const op = { id: 'ListCountries', idField: 'iso_code' } as unknown as Operation;
  const schema = {
    type: 'object' as const,
    properties: { iso_code: { type: ['string', 'null'], format: 'iso-country-code' } },
  };

  it('has room for 676 items, each with its own id; a write takes one of them', () => {
    const store = new ItemStore(op, schema, '', 1, {});
    expect(store.room()).toBe(676);
    const ids = Array.from({ length: 676 }, (_, k) => store.idAt(k));
    expect(new Set(ids).size).toBe(676);
    expect(ids.every((id) => /^[A-Z]{2}$/.test(id))).toBe(true);
    // Each id stays at its own position: a listed country is found where it is listed.
    expect(ids.every((id, k) => store.indexOf(id, 676) === k)).toBe(true);
  });

  it('a write gives out ids no generated item takes, and says so when none is left', () => {
    const store = new ItemStore(op, schema, '', 1, {});
    const given = Array.from({ length: 676 }, () => store.newId());
    expect(new Set(given).size).toBe(676);
    expect(store.room()).toBe(0);
    expect(() => store.newId()).toThrow(/no iso_code left: all 676 values are taken/);
  });
});

describe('a list whose items have no id field', () => {
  it('is not bounded by a field that happens to be called id: its items are told apart by no id', () => {
    const op = { id: 'ListFlags' } as unknown as Operation;
    const schema = { type: 'object' as const, properties: { id: { type: 'boolean' as const } } };
    expect(new ItemStore(op, schema, '', 1, {}).room()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('a list whose items the spec leaves untyped (`items: {}`, as a use-case list documents)', () => {
  it('answers objects, as the spec’s examples show: never a string spread into its characters', () => {
    const op = { id: 'ListUsecases' } as unknown as Operation;
    const store = new ItemStore(op, {}, '', 3, {});
    for (let k = 0; k < 5; k++) {
      const item = store.at(k, 5);
      expect(item).toBeTypeOf('object');
      expect(Array.isArray(item)).toBe(false);
      expect(Object.keys(item).filter((key) => /^\d+$/.test(key))).toEqual([]);
    }
  });
});
