// Acceptance (issue #27, item 5): `npm run pact:verify -- --writes <AccountSid> --base-url <stand-in>`
// on a brand-new account of the independent stand-in passes, its provider states making their own data
// through the writes, and leaves nothing behind but what the API cannot delete (sessions, feedback).

import { describe, expect, it } from 'vitest';
import { expectLeftAsFound, explainPact, pactVerify } from '../support/independent/acceptance';
import { standIn } from '../support/independent/client';

describe('pact verification with writes against the independent stand-in', () => {
  it('an empty account: the pact verifies, and the account is left as found', {
    timeout: 180_000,
  }, async () => {
    const s = await standIn({ processingMs: 500 });
    const before = s.store.snapshot();
    const r = await pactVerify(s);
    const why = explainPact(r, s);
    expect.soft(r.status, why).toBe(0);
    expectLeftAsFound(before, s.store.snapshot());
  });
});
