// Any Twilio product from its spec: the model of four real products (parts of their twilio-oai specs
// in suites/fixtures/specs/twilio-oai: Conversations v1, Messaging v1 as YAML, Verify v2, API
// v2010) understands Twilio's conventions — ids named sid, Sid, Identity; form-encoded bodies; API
// v2010's envelope and .json paths; lists served in one page; the default page size within a
// list's maximum; a literal segment beside a parameter — and the spec's own examples validate.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseUrlVariable, pactParticipants } from '../../src/model/api';
import { buildFromSpec } from '../../src/model/build';
import { fetchIdVariable } from '../../src/model/model';
import { listShape } from '../../src/model/openapi';
import { type Operation, pathMatcher } from '../../src/model/operation';
import { envelopeOf } from '../../src/model/twilio-conventions';
import type { WriteOperation } from '../../src/model/writes';
import { pageSizeBounds } from '../../src/rules/invariants';
import { fetchListAgreement } from '../../src/rules/pagination/properties';
import { runTag } from '../../src/run/journal';
import { tagField, validBody } from '../../src/schemas/bodies';
import { Contract } from '../../src/schemas/contract';
import { decodeForm } from '../../src/schemas/form';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { readSpecFile } from '../../src/sources/spec';
import { FIXTURES } from '../support/fixtures';

const SPECS = join(FIXTURES, 'specs/twilio-oai');
const load = (file: string) => {
  const spec = readSpecFile(join(SPECS, file));
  const { model } = buildFromSpec(spec, { docs: [] });
  const contract = new Contract(model, 'spec');
  contract.compileAll();
  const op = (id: string) => {
    const found = model.operations.find((o) => o.id === id);
    if (!found) throw new Error(`no ${id} in ${model.operations.map((o) => o.id).join(', ')}`);
    return found;
  };
  return { spec, model, contract, op };
};

/** Every GET 200 example of the spec against the contract built from it: the errors, per example. */
function exampleErrors(p: ReturnType<typeof load>): string[] {
  const out: string[] = [];
  for (const op of p.contract.operations) {
    const paths = p.spec.doc.paths as Record<string, { get?: Record<string, unknown> }>;
    const responses = paths[op.path]?.get?.responses as Record<
      string,
      { content?: Record<string, { examples?: Record<string, { value: unknown }> }> }
    >;
    for (const [name, ex] of Object.entries(
      responses?.['200']?.content?.['application/json']?.examples ?? {},
    ))
      for (const v of p.contract.validate(op, ex.value).filter((x) => x.severity === 'error'))
        out.push(`${op.id} ${name} ${v.message}`);
  }
  return out;
}

const examplesOf = (p: ReturnType<typeof load>, op: Operation): unknown[] => {
  const paths = p.spec.doc.paths as Record<
    string,
    {
      get?: {
        responses?: Record<
          string,
          { content?: Record<string, { examples?: Record<string, { value: unknown }> }> }
        >;
      };
    }
  >;
  return Object.values(
    paths[op.path]?.get?.responses?.['200']?.content?.['application/json']?.examples ?? {},
  ).map((e) => e.value);
};

describe('Conversations v1', () => {
  const p = load('twilio_conversations_v1.subset.json');

  it('is the API its spec names: title, origin, pact participants, variables', () => {
    expect(p.model.api).toEqual({
      title: 'Twilio Conversations v1',
      origin: 'https://conversations.twilio.com',
      product: 'conversations',
      version: 'v1',
    });
    expect(pactParticipants(p.model.api)).toEqual({
      consumer: 'twilio-node-conversations-consumer',
      provider: 'twilio-conversations-v1',
    });
    expect(fetchIdVariable(p.op('FetchConversation'))).toBe('TWILIO_CONVERSATION_ID');
  });

  it('identifies items by sid ({Sid}, {ConversationSid}) and pairs each list with its fetch', () => {
    expect(p.op('ListConversation').idField).toBe('sid');
    expect(p.op('ListConversation').pairsWith).toBe('FetchConversation');
    expect(p.op('ListConversationMessage').pathParams).toEqual([
      { name: 'ConversationSid', from: { operation: 'ListConversation', field: 'sid' } },
    ]);
    expect(p.op('FetchConversationMessage').pathParams.at(-1)).toEqual({
      name: 'Sid',
      from: { operation: 'ListConversationMessage', field: 'sid' },
    });
  });

  it('models every write with a form-encoded body, typed as the spec types it', () => {
    const withBody = p.model.writes.filter((w) => w.request);
    expect(withBody.length).toBeGreaterThanOrEqual(5);
    expect(withBody.every((w) => w.requestEncoding === 'form')).toBe(true);
    const create = p.model.writes.find((w) => w.id === 'CreateConversation');
    expect(Object.keys(create?.request?.properties ?? {})).toContain('FriendlyName');
    const body = decodeForm(
      'FriendlyName=support&MessagingServiceSid=MG0123456789abcdef0123456789abcdef&State=active',
      create?.request,
    );
    expect(p.contract.validateWrite(create as NonNullable<typeof create>, 'request', body)).toEqual([]);
    const wrong = decodeForm('MessagingServiceSid=MG1', create?.request);
    expect(
      p.contract.validateWrite(create as NonNullable<typeof create>, 'request', wrong).map((v) => v.keyword),
    ).toContain('pattern');
  });

  it('serves a list whose maximum page size is 5 with 5 items by default, not 50', () => {
    expect(pageSizeBounds(p.op('ListConversationScopedWebhook'))).toMatchObject({ max: 5, default: 5 });
    expect(pageSizeBounds(p.op('ListConversation'))).toMatchObject({ max: 100, default: 50 });
  });

  it("validates the spec's own examples with no false alarm, and refuses a broken one", () => {
    expect(exampleErrors(p)).toEqual([]);
    const [page] = examplesOf(p, p.op('ListConversation')) as Array<{
      conversations: Array<Record<string, unknown>>;
    }>;
    const broken = structuredClone(page) as { conversations: Array<Record<string, unknown>> };
    (broken.conversations[0] as Record<string, unknown>).date_created = 'yesterday';
    expect(p.contract.validate(p.op('ListConversation'), broken).map((v) => v.keyword)).toContain('format');
  });
});

describe('Messaging v1 (its YAML spec)', () => {
  const p = load('twilio_messaging_v1.subset.yaml');

  it('reads the YAML spec: the same API as the JSON one names', () => {
    expect(p.model.api).toMatchObject({
      origin: 'https://messaging.twilio.com',
      title: 'Twilio Messaging v1',
    });
  });

  it('puts the literal /v1/Services/Usecases before /v1/Services/{Sid}: matching in model order finds it', () => {
    const order = p.model.operations.map((o) => o.path);
    expect(order.indexOf('/v1/Services/Usecases')).toBeLessThan(order.indexOf('/v1/Services/{Sid}'));
    const match = (path: string) => p.model.operations.find((o) => pathMatcher(o.path).test(path))?.path;
    expect(match('/v1/Services/Usecases')).toBe('/v1/Services/Usecases');
    expect(match('/v1/Services/MG0123456789abcdef0123456789abcdef')).toBe('/v1/Services/{Sid}');
  });

  it('takes a list served in one page (no meta) for a list without paging', () => {
    const usecases = p.model.operations.find((o) => o.path === '/v1/Services/Usecases') as Operation;
    expect([usecases.kind, usecases.itemsKey, envelopeOf(usecases)]).toEqual(['list', 'usecases', 'none']);
    expect(envelopeOf(p.op('ListService'))).toBe('meta');
    // Numbers' webhook configuration: a "list" path whose one array holds strings is one document.
    const strings = {
      type: 'object',
      properties: { notifications_of: { type: 'array', items: { type: 'string' } } },
    };
    expect(listShape(strings, true)).toBeUndefined();
    const objects = {
      type: 'object',
      properties: { usecases: { type: 'array', items: { type: 'object' } } },
    };
    expect(listShape(objects, true)).toEqual({ itemsKey: 'usecases', envelope: 'none' });
  });

  it("validates the spec's own examples with no false alarm", () => {
    expect(exampleErrors(p)).toEqual([]);
  });
});

describe('Verify v2', () => {
  const p = load('twilio_verify_v2.subset.json');

  it('identifies entities by their Identity, and reads factors under them', () => {
    expect(p.op('ListEntity').idField).toBe('identity');
    expect(p.op('ListFactor').pathParams).toEqual([
      { name: 'ServiceSid', from: { operation: 'ListService', field: 'sid' } },
      { name: 'Identity', from: { operation: 'ListEntity', field: 'identity' } },
    ]);
  });

  it('puts /v2/Attempts/Summary before /v2/Attempts/{Sid}', () => {
    const order = p.model.operations.map((o) => o.path);
    expect(order.indexOf('/v2/Attempts/Summary')).toBeLessThan(order.indexOf('/v2/Attempts/{Sid}'));
  });

  it("validates the spec's own examples with no false alarm", () => {
    expect(exampleErrors(p)).toEqual([]);
  });
});

describe('API v2010', () => {
  const p = load('twilio_api_v2010.subset.json');

  it('is Twilio API v2010, served at api.twilio.com', () => {
    expect(p.model.api).toEqual({
      title: 'Twilio Api v2010',
      origin: 'https://api.twilio.com',
      product: 'api',
      version: 'v2010',
    });
    expect(pactParticipants(p.model.api).provider).toBe('twilio-api-v2010');
  });

  it('reads its envelope beside the items, links .json lists to their fetches, and groups by resource under the account', () => {
    const messages = p.op('ListMessage');
    expect([messages.kind, messages.itemsKey, envelopeOf(messages), messages.pairsWith]).toEqual([
      'list',
      'messages',
      'flat',
      'FetchMessage',
    ]);
    expect(messages.pathParams).toEqual([
      { name: 'AccountSid', from: { operation: 'ListAccount', field: 'sid' } },
    ]);
    expect(p.op('ListAccount').pairsWith).toBe('FetchAccount');
    expect(p.model.operations.map((o) => o.resource)).toEqual(
      expect.arrayContaining(['Accounts', 'Messages', 'AvailablePhoneNumbers', 'Balance']),
    );
    expect(new Set(p.model.operations.filter((o) => o.resource === 'Accounts').map((o) => o.id))).toEqual(
      new Set(['ListAccount', 'FetchAccount']),
    );
  });

  it('takes a "list" with no array of items (the balance) for an instance, and one with no paging for a one-page list', () => {
    expect(p.op('FetchBalance').kind).toBe('instance');
    expect(envelopeOf(p.op('ListAvailablePhoneNumberCountry'))).toBe('none');
  });

  it('validates RFC 2822 dates, paths on the host and maps of them; refuses what breaks them', () => {
    expect(exampleErrors(p)).toEqual([]);
    const fetch = p.op('FetchMessage');
    const [message] = examplesOf(p, fetch) as Array<Record<string, unknown>>;
    const bad = (field: string, value: unknown) =>
      p.contract.validate(fetch, { ...message, [field]: value }).map((v) => `${v.pointer} ${v.keyword}`);
    expect(bad('date_created', 'Thu, 30 Jul 2015 20:12:31 +0000')).toEqual([]);
    expect(bad('date_created', '2015-07-30T20:12:31Z')).toEqual(['/date_created format']);
    expect(bad('date_created', 'Mon, 31 Apr 2015 20:12:31 +0000')).toEqual(['/date_created format']);
    expect(bad('subresource_uris', { media: 42 })).toEqual(['/subresource_uris/media type']);
    expect(bad('price_unit', 'US dollars')).toEqual(['/price_unit format']);
  });
});

describe('Assistants, from the committed schemas: the names it always had, now derived from its spec', () => {
  const { model } = Contract.load(join(PROJECT_ROOT, 'schemas'), 'both');

  it('keeps its origin, pact participants, base URL variable and TWILIO_SESSION_ID', () => {
    expect(model.api).toEqual({
      title: 'Twilio Assistants v1',
      origin: 'https://assistants.twilio.com',
      product: 'assistants',
      version: 'v1',
    });
    expect(pactParticipants(model.api)).toEqual({
      consumer: 'twilio-node-assistants-consumer',
      provider: 'twilio-assistants-v1',
    });
    expect(baseUrlVariable(model.api)).toBe('TWILIO_ASSISTANTS_BASE_URL');
    const session = model.operations.find((o) => o.id === 'FetchSession') as Operation;
    expect(fetchIdVariable(session)).toBe('TWILIO_SESSION_ID');
    expect(model.writes.filter((w) => w.request).every((w) => w.requestEncoding === 'json')).toBe(true);
  });
});

describe('a list whose items carry no id the fetch names', () => {
  it('is not fetched item by item (fetch-list-agreement does not apply; it would fetch "undefined")', () => {
    const { model } = buildFromSpec(readSpecFile(join(SPECS, 'twilio_verify_v2.subset.json')), { docs: [] });
    const list = model.operations.find((o) => o.id === 'ListService') as Operation;
    expect(fetchListAgreement.appliesTo(list)).toBe(true);
    expect(fetchListAgreement.appliesTo({ ...list, idField: undefined } as Operation)).toBe(false);
  });
});

describe("Verify's entity Identity: a rule stated in prose only (8 to 64 dash-separated alphanumerics)", () => {
  it('the spec states no pattern for it, and the run names entities within the rule (its tag, dash-joined)', () => {
    const { model } = buildFromSpec(readSpecFile(join(SPECS, 'twilio_verify_v2.subset.json')), { docs: [] });
    const create = model.writes.find((w) => w.id === 'CreateEntity') as WriteOperation;
    const identity = create.request?.properties?.Identity;
    expect(identity?.pattern).toBeUndefined();
    expect(identity?.description).toMatch(/between 8 and 64 characters.*dash \(-\) separated alphanumeric/);
    // The tag goes in the field that names the entity, made unique per body (src/run/writes/create.ts).
    expect(tagField(create)).toBe('Identity');
    for (const tag of ['conformance-local-1', runTag()]) {
      const value = validBody(create, { seed: 7, tag, tagSuffix: '7' })?.Identity;
      expect(value).toMatch(/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/);
      expect(String(value).length).toBeGreaterThanOrEqual(8);
      expect(String(value).length).toBeLessThanOrEqual(64);
    }
  });
});
