// Every format Twilio's specs use is known to the validator: validated where it has a definition,
// accepted and listed where it has none; a format Twilio puts on an object (uri-map, prices) is kept
// as an annotation so a strict validator compiles the spec. And request bodies go form-encoded, as
// most Twilio products take them: sent so by the transport, read back typed by the schema.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build';
import type { JsonSchema } from '../../src/model/json-schema';
import { curlFor } from '../../src/rules/curl';
import { Contract } from '../../src/schemas/contract';
import { decodeBody, decodeForm, encodeForm } from '../../src/schemas/form';
import { isRfc2822Date, twilioSample } from '../../src/schemas/formats';
import { createAjv, SchemaValidator } from '../../src/schemas/validator';
import { HttpTransport } from '../../src/transport/http';

const check = (schema: JsonSchema, value: unknown) =>
  SchemaValidator.of([{ ...schema, $id: `https://formats.test/${JSON.stringify(schema)}` }]).validate(
    `https://formats.test/${JSON.stringify(schema)}`,
    value,
  );
const ok = (format: string, value: string) => check({ type: 'string', format }, value).length === 0;

describe("Twilio's formats", () => {
  it.each([
    ['date-time-rfc-2822', 'Thu, 30 Jul 2015 20:00:00 +0000', '2015-07-30T20:00:00Z'],
    ['date-time-rfc-2822', '1 Mar 2016 09:05:00 GMT', 'Mon, 31 Apr 2015 20:00:00 +0000'],
    ['http-method', 'POST', 'FETCH'],
    ['iso-country-code', 'US', 'USA'],
    ['currency', 'usd', 'dollars'],
    ['twiml', '<Response><Say>hi</Say></Response>', 'hi'],
    ['AccountSid', 'AC0123456789abcdef0123456789abcdef', 'AC1'],
    ['uri', 'https://conversations.twilio.com/v1/Conversations', '/v1/Conversations'],
    ['uri-reference', '/2010-04-01/Accounts/AC1.json', 'http://[bad'],
  ])('%s: accepts %j, refuses %j', (format, good, bad) => {
    expect(ok(format, good)).toBe(true);
    expect(ok(format, bad)).toBe(false);
  });

  it('takes an empty link as unset, as API v2010 answers ("sms_fallback_url": "")', () => {
    expect(ok('uri', '')).toBe(true);
    expect(ok('uri-reference', '')).toBe(true);
  });

  it('accepts a format with no definition as it comes, and lists it', () => {
    const v = SchemaValidator.of([
      {
        $id: 'https://formats.test/unchecked',
        type: 'object',
        properties: {
          from: { type: 'string', format: 'phone-number' },
          to: { type: 'string', format: 'endpoint' },
        },
      },
    ]);
    expect(
      v.validate('https://formats.test/unchecked', { from: '(808) 925-1571', to: 'client:alice' }),
    ).toEqual([]);
    expect(v.uncheckedFormats).toEqual(['endpoint', 'phone-number']);
  });

  it('generates values every defined format accepts (the reference provider serves them)', () => {
    for (const format of [
      'date-time-rfc-2822',
      'http-method',
      'iso-country-code',
      'currency',
      'twiml',
      'uri-reference',
      'UserSid',
    ])
      for (const seed of [1, 7, 300])
        expect(ok(format, twilioSample(format, seed, 'field') as string), `${format} ${seed}`).toBe(true);
    expect(isRfc2822Date(twilioSample('date-time-rfc-2822', 59, 'x') as string)).toBe(true);
    // Items keyed by a country (Pricing's lists) must not all be "US": ids stay apart.
    const codes = new Set(Array.from({ length: 50 }, (_, k) => twilioSample('iso-country-code', k, 'x')));
    expect(codes.size).toBe(50);
  });
});

describe('a spec that uses them compiles under strict mode', () => {
  const spec = {
    openapi: '3.0.1',
    info: { title: 'Twilio - Things', version: '1.0.0' },
    servers: [{ url: 'https://things.twilio.com' }],
    paths: {
      '/v1/Things/{Sid}': {
        'x-twilio': { pathType: 'instance' },
        get: {
          operationId: 'FetchThing',
          parameters: [{ name: 'Sid', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      sid: { type: 'string' },
                      links: { type: 'object', format: 'uri-map', nullable: true },
                      subresource_uris: { type: 'object', format: 'uri-map', nullable: true },
                      capabilities: { type: 'object', format: 'phone-number-capabilities', nullable: true },
                      status: { type: 'string', enum: ['on', 'off'], nullable: true },
                      price: { type: 'number', nullable: true, 'x-twilio': { overrideType: 'string' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };

  it('a format on an object is what ajv refuses in strict mode, so the model keeps it as an annotation', () => {
    expect(() => createAjv().compile({ type: 'object', format: 'uri-map' })).toThrow(/strict mode/);
    const contract = new Contract(buildModel({ spec, specFile: 'things.json' }), 'spec');
    expect(() => contract.compileAll()).not.toThrow();
    const fetch = contract.operations[0] as NonNullable<(typeof contract.operations)[0]>;
    expect(fetch.schemas.openapi?.response.properties?.capabilities?.['x-twilio-format']).toBe(
      'phone-number-capabilities',
    );
    const body = {
      sid: 'TH1',
      links: { items: 'https://things.twilio.com/v1/Things/TH1/Items' },
      subresource_uris: { items: '/v1/Things/TH1/Items.json' },
      capabilities: { sms: true },
      status: null,
      price: '-0.0075',
    };
    expect(contract.validate(fetch, body)).toEqual([]);
    // A map of links holds links: a relative one where an absolute URL is due, a number, are refused.
    expect(
      contract
        .validate(fetch, { ...body, links: { items: '/v1/Things' }, subresource_uris: { items: 3 } })
        .map((v) => `${v.pointer} ${v.keyword}`),
    ).toEqual(['/links/items format', '/subresource_uris/items type']);
    expect(contract.validate(fetch, { ...body, status: 'maybe', price: 0.5 }).map((v) => v.pointer)).toEqual([
      '/status',
      '/price',
    ]);
  });
});

describe('form-encoded bodies', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      FriendlyName: { type: 'string' },
      Ttl: { type: 'integer' },
      Enabled: { type: 'boolean' },
      Tags: { type: 'array', items: { type: 'string' } },
      Attributes: { type: 'string' },
    },
  };

  it('encodes an array as the key repeated, an object as its JSON, and reads it back typed', () => {
    const body = { FriendlyName: 'a b&c', Ttl: 60, Enabled: false, Tags: ['x', 'y'], Attributes: { a: 1 } };
    const form = encodeForm(body);
    expect(form).toBe('FriendlyName=a+b%26c&Ttl=60&Enabled=false&Tags=x&Tags=y&Attributes=%7B%22a%22%3A1%7D');
    expect(decodeForm(form, schema)).toEqual({ ...body, Attributes: '{"a":1}' });
    // What the schema does not type stays text, and a key sent twice for a single field is kept twice.
    expect(decodeForm('Ttl=soon&FriendlyName=a&FriendlyName=b', schema)).toEqual({
      Ttl: 'soon',
      FriendlyName: ['a', 'b'],
    });
    expect(decodeBody('{"Ttl": 1}', 'application/json', schema)).toEqual({ ok: true, value: { Ttl: 1 } });
    expect(decodeBody('Ttl=1', 'application/x-www-form-urlencoded; charset=utf-8', schema)).toEqual({
      ok: true,
      value: { Ttl: 1 },
    });
  });

  it('the transport sends a form body as a form, and a replay line says so', async () => {
    const seen: Array<{ type?: string; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        seen.push({ type: req.headers['content-type'], body });
        res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const t = new HttpTransport({
        target: 'local',
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        writes: true,
      });
      const form = await t.send('POST', '/v1/Things', {
        body: { Tags: ['x', 'y'], Ttl: 5 },
        encoding: 'form',
      });
      await t.send('POST', '/v1/Things', { body: { Tags: ['x'] } });
      expect(seen).toEqual([
        { type: 'application/x-www-form-urlencoded', body: 'Tags=x&Tags=y&Ttl=5' },
        { type: 'application/json', body: '{"Tags":["x"]}' },
      ]);
      expect(curlFor(form.request)).toContain(
        " --data-urlencode 'Tags=x' --data-urlencode 'Tags=y' --data-urlencode 'Ttl=5' ",
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
