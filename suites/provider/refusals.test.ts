// The reference provider refuses what Twilio refuses, as Twilio does: every body the model says is
// wrong (the request schema, listed values, prose rules, shapes the responses document) gets a 400
// whose Twilio error body names the field and the rule, and changes nothing; malformed JSON is a
// 400, never a 5xx; a write to an id that does not exist is a 404.

import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/model/json-schema';
import { fillPath } from '../../src/model/operation';
import { negativeBodies, tagFields, validBody } from '../../src/schemas/bodies';
import { encodeBody } from '../../src/schemas/form';
import { contract } from '../support/provider';
import { auth, listed, raw, valuesFor, writeWhere } from '../support/raw';
import { provider } from '../support/writes';

const twilioError = (status: number) => ({
  code: expect.any(Number),
  message: expect.any(String),
  more_info: expect.stringMatching(/^https:\/\/www\.twilio\.com\/docs\/errors\/\d+$/),
  status,
});
const withRequest = contract.writes.filter((w) => w.request);
/** What every top-level list shows, to see that a refusal changed nothing. */
const everything = async (url: string) =>
  Promise.all(
    contract.operations.filter((o) => o.kind === 'list' && !o.pathParams.length).map((o) => listed(url, o)),
  );

describe('the reference provider refuses what Twilio refuses', () => {
  it('each negative body of each write: 400, a Twilio error naming the field, nothing changed', async () => {
    const p = await provider(3);
    const before = await everything(p.url);
    let refused = 0;
    for (const w of withRequest) {
      const path = fillPath(w.path, await valuesFor(p.url, contract, w));
      for (const n of negativeBodies(w, validBody(w, { seed: 7, optional: true }) ?? {})) {
        const r = await raw(p.url, w.method, path, n.body);
        const field = n.pointer.split('/').filter(Boolean).at(-1) ?? '';
        expect([w.id, n.why, r.status]).toEqual([w.id, n.why, 400]);
        expect(r.json).toEqual(twilioError(400));
        expect(r.json.message, `${w.id}: ${n.why}`).toContain(field);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(30);
    expect(await everything(p.url)).toEqual(before);
  });

  it('the rules read from prose and the shapes responses document are refused by name', async () => {
    const p = await provider(3);
    const knowledge = writeWhere(contract, (w) => w.id === 'CreateKnowledge');
    const tool = writeWhere(contract, (w) => w.id === 'CreateTool');
    const missing = await raw(p.url, 'POST', knowledge.path, { name: 'n', type: 'Database' });
    expect(missing.json).toEqual({
      ...twilioError(400),
      message: "Invalid parameter embedding_model is required when type is 'Database'",
    });
    const disallowed = await raw(p.url, 'POST', knowledge.path, {
      name: 'n',
      type: 'Web',
      embedding_model: 'm',
    });
    expect(disallowed.json.message).toMatch(/embedding_model is allowed only when type is 'Database'/);
    const unlisted = await raw(p.url, 'POST', knowledge.path, { name: 'n', type: 'Video' });
    expect(unlisted.json.message).toMatch(
      /type must be one of 'Web', 'Database', 'Text', 'File', got 'Video'/,
    );
    const loose = await raw(p.url, 'POST', tool.path, {
      name: 'n',
      type: 'WEBHOOK',
      enabled: true,
      policy: { policy_details: 'a string' },
    });
    expect([loose.status, loose.json.message]).toEqual([
      400,
      expect.stringMatching(/^Invalid parameter policy\.policy_details: .*must be object/),
    ]);
    const ok = await raw(p.url, 'POST', knowledge.path, {
      name: 'n',
      type: 'Database',
      embedding_model: 'm',
    });
    expect(ok.status).toBe(201);
  });

  it('malformed JSON is a 400 with a Twilio error, never a 5xx, on every write that takes a body', async () => {
    const p = await provider(3);
    for (const w of withRequest) {
      const r = await raw(
        p.url,
        w.method,
        fillPath(w.path, await valuesFor(p.url, contract, w)),
        '{"name": ',
      );
      expect([w.id, r.status, r.json]).toEqual([
        w.id,
        400,
        { ...twilioError(400), message: 'Request body is not valid JSON' },
      ]);
    }
  });

  it('a form-encoded body is read as its request schema types it, and refused by the same check', async () => {
    const p = await provider(3);
    const knowledge = writeWhere(contract, (w) => w.id === 'CreateKnowledge');
    const form = async (body: unknown) => {
      const { payload, contentType } = encodeBody(body, 'form');
      const r = await fetch(`${p.url}${knowledge.path}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': contentType },
        body: payload,
      });
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };
    const made = await form({
      name: 'form made',
      type: 'Database',
      embedding_model: 'm',
      policy: { policy_details: {} },
    });
    expect([made.status, made.json.name, made.json.type]).toEqual([201, 'form made', 'Database']);
    const refused = await form({ name: 'n', type: 'Database' });
    expect([refused.status, refused.json.message]).toEqual([
      400,
      "Invalid parameter embedding_model is required when type is 'Database'",
    ]);
  });

  it("a form's array of items of any kind takes one string (an array of one): no wrong type there", () => {
    // Twilio's specs type such fields `{type: array, items: {}}` (a session's participants, an event
    // subscription's types): in a form the key repeated is the array, one value sent is an array of one.
    const shape = (requestEncoding: 'form' | 'json', items: Record<string, unknown>) => ({
      requestEncoding,
      request: {
        type: 'object' as const,
        properties: { Things: { type: 'array' as const, items } },
        required: ['Things'],
      },
    });
    const whys = (w: ReturnType<typeof shape>) =>
      negativeBodies(w, { Things: ['a'] })
        .map((n) => n.why)
        .filter((why) => /wrong type/.test(why));
    expect(whys(shape('form', {}))).toEqual([]);
    expect(whys(shape('form', { type: 'string' }))).toEqual([]);
    expect(whys(shape('form', { type: 'integer' }))).toContain('Things of the wrong type (string)');
    expect(whys(shape('form', { type: 'object', properties: { a: { type: 'string' } } }))).toContain(
      'Things of the wrong type (string)',
    );
    expect(whys(shape('json', {}))).toContain('Things of the wrong type (string)');
  });

  it("the run's tag goes only in a field the answer echoes as free text (not parsed into an array, not a URL)", () => {
    // A build's Dependencies is sent as text and answered as the array it describes; a webhook's
    // WebhookUrl is answered as a URI: neither can bring the tag back whole.
    const w = (answer: Record<string, JsonSchema>) => ({
      request: {
        type: 'object' as const,
        properties: { FriendlyName: { type: 'string' as const }, Other: { type: 'string' as const } },
      },
      response: { type: 'object' as const, properties: answer },
    });
    expect(tagFields(w({ friendly_name: { type: 'string' }, other: { type: 'string' } }))).toEqual([
      'FriendlyName',
      'Other',
    ]);
    expect(
      tagFields(w({ friendly_name: { type: 'array', items: {} }, other: { type: ['string', 'null'] } })),
    ).toEqual(['Other']);
    expect(
      tagFields(w({ friendly_name: { type: 'string', format: 'uri' }, other: { type: 'object' } })),
    ).toEqual([]);
  });

  it('free text the answer echoes as a URL or a pattern is sent in that shape (a webhook URL)', () => {
    const w = {
      request: {
        type: 'object' as const,
        properties: { WebhookUrl: { type: 'string' as const }, Name: { type: 'string' as const } },
        required: ['WebhookUrl', 'Name'],
      },
      response: {
        type: 'object' as const,
        properties: {
          webhook_url: { type: 'string' as const, format: 'uri' },
          name: { type: ['string', 'null'] as string[] },
        },
      },
    };
    const body = validBody(w, { seed: 3 }) ?? {};
    expect(String(body.WebhookUrl)).toMatch(/^https?:\/\/\S+$/);
    expect(String(body.Name)).not.toMatch(/^https?:/);
  });

  it('an update, delete, attach or detach of an id that does not exist is a 404 with a Twilio error', async () => {
    const p = await provider(3);
    const onItems = contract.writes.filter((w) => w.action !== 'create' && w.action !== 'send');
    expect(onItems.map((w) => w.action)).toEqual(
      expect.arrayContaining(['update', 'delete', 'attach', 'detach']),
    );
    for (const w of onItems) {
      const values = await valuesFor(p.url, contract, w);
      const last = w.pathParams.at(-1)?.name as string;
      const body = w.request ? validBody(w, { seed: 3 }) : undefined;
      const r = await raw(p.url, w.method, fillPath(w.path, { ...values, [last]: 'does_not_exist_0' }), body);
      expect([w.id, r.status, r.json]).toEqual([w.id, 404, twilioError(404)]);
    }
  });
});
