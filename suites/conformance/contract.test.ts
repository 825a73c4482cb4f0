import { describe, expect, it } from 'vitest';
import { Contract } from '../../src/contract/contract';
import { contract as both } from '../support/provider';

const session = {
  id: 'sess_1',
  account_sid: `AC${'a'.repeat(32)}`,
  assistant_id: 'aia_asst_1234-abcd',
  verified: true,
  identity: 'u',
  date_created: '2024-01-01T00:00:00Z',
  date_updated: '2024-01-01T00:00:00Z',
};

describe('which contract, when the sources disagree', () => {
  const docs = new Contract('docs', both.sets);
  const spec = new Contract('spec', both.sets);

  it('a real assistant_id fails the docs pattern: error under docs, fine under spec, warning under both', () => {
    expect(docs.validate('resource', session).map((v) => [v.pointer, v.severity])).toEqual([
      ['/assistant_id', 'error'],
    ]);
    expect(spec.validate('resource', session)).toEqual([]);
    const [w] = both.validate('resource', session);
    expect(w).toMatchObject({ pointer: '/assistant_id', severity: 'warning', brokenIn: ['docs table'] });
  });

  it('a value that satisfies neither source is an error under both', () => {
    const [e] = both.validate('resource', { ...session, assistant_id: 'asst_1' });
    expect(e).toMatchObject({
      pointer: '/assistant_id',
      severity: 'error',
      brokenIn: ['docs table', 'openapi spec'],
    });
  });

  it('date_created is documented only by the spec', () => {
    expect(both.documentedFields('resource').get('date_created')).toEqual(['openapi spec']);
    expect(both.documentedFields('resource').get('id')).toEqual(['docs table', 'openapi spec']);
  });
});
