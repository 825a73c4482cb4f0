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
