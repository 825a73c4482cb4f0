// response.path-values: a field named after an identifier in the path holds the URL's value — in
// every listed item and in a fetched one. What it leaves alone, so that it raises no false alarm on
// Twilio's own answers: a path that names its scope another way (a unique name where the field holds
// a SID), generic names ({Sid}: the item's own, fetch.matches-list's), lists that attaches fill
// (members each name their own home).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build';
import type { Operation } from '../../src/model/operation';
import { pathValues } from '../../src/rules/path-values';
import type { Observation } from '../../src/rules/rule';
import { Contract } from '../../src/schemas/contract';
import { FIXTURES, runCli } from '../support/fixtures';

const contractOf = (file: string) => {
  const spec = JSON.parse(readFileSync(join(FIXTURES, 'specs', file), 'utf8'));
  return new Contract(buildModel({ spec, specFile: file }), 'spec');
};
const conversations = contractOf('twilio-oai/twilio_conversations_v1.subset.json');
const gadgets = contractOf('gadgets.openapi.json');
const op = (c: Contract, id: string): Operation => {
  const found = c.operations.find((o) => o.id === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
};

const CH = (digit: string) => `CH${digit.repeat(32)}`;
const messages = op(conversations, 'ListConversationMessage');
const observe = (conversation: string, shown: readonly string[]): Observation => {
  const json = { messages: shown.map((c, k) => ({ sid: `IM${String(k).repeat(32)}`, conversation_sid: c })) };
  return {
    scenario: 'list-sized',
    op: messages,
    expect: { status: 200, body: 'list' },
    exchange: {
      request: {
        method: 'GET',
        url: `http://h/v1/Conversations/${conversation}/Messages`,
        authenticated: true,
      },
      response: { status: 200, headers: {}, body: JSON.stringify(json) },
      attempts: 1,
      durationMs: 1,
    },
    json,
  };
};

describe('response.path-values', () => {
  it('passes a list whose items all name the conversation the path names', () => {
    expect(pathValues.run(observe(CH('1'), [CH('1'), CH('1')]), conversations)).toEqual([]);
  });

  it("fails a list that shows a sibling's item, saying where and what the path names", () => {
    const found = pathValues.run(observe(CH('1'), [CH('1'), CH('2')]), conversations);
    expect(found.map((f) => [f.pointer, f.expected, f.actual])).toEqual([
      ['/messages/1/conversation_sid', CH('1'), CH('2')],
    ]);
  });

  it('compares nothing when the path names the conversation by a unique name, not its SID', () => {
    expect(pathValues.run(observe('support-desk', [CH('1')]), conversations)).toEqual([]);
  });

  it('applies to lists under an identifier their items name, not to {Sid} fetches nor to lists attaches fill', () => {
    expect(pathValues.appliesTo(messages, conversations)).toBe(true);
    expect(pathValues.appliesTo(op(conversations, 'FetchConversation'), conversations)).toBe(false);
    expect(pathValues.appliesTo(op(gadgets, 'ListBoxGadget'), gadgets)).toBe(false);
  });
});

describe('the reference provider shows the path in what it answers', () => {
  it('a configuration under an identifier no list supplies names it: the faithful provider passes', async () => {
    // A domain's configuration, as Messaging v1 documents one: read at a path whose {DomainSid} no
    // list of the spec supplies, answered with the domain_sid it was asked for.
    const dn = { type: 'string', pattern: '^DN[0-9a-fA-F]{32}$' };
    const spec = {
      openapi: '3.0.1',
      info: { title: 'Twilio - Widgets', version: '1.0.0' },
      servers: [{ url: 'https://widgets.twilio.com' }],
      paths: {
        '/v1/Domains/{DomainSid}/Config': {
          get: {
            operationId: 'FetchDomainConfig',
            parameters: [{ name: 'DomainSid', in: 'path', required: true, schema: dn }],
            responses: {
              '200': {
                description: 'OK',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: { domain_sid: dn, fallback_url: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'path-values-'));
    writeFileSync(join(dir, 'widgets.json'), JSON.stringify(spec));
    const r = await runCli('conformance', [
      '--spec',
      join(dir, 'widgets.json'),
      '--target',
      'local',
      '--read-only',
      '--report-dir',
      join(dir, 'reports'),
    ]);
    expect(r.stdout).toMatch(/✔ response\.path-values +1\/1 judged/);
    expect(r.status, r.stdout).toBe(0);
  });
});

describe('a scope field that states no form', () => {
  it('a value other than the path’s is a warning, not an error: the field may name its scope another way', () => {
    const noPattern = structuredClone(messages);
    for (const origin of ['openapi', 'docs'] as const) {
      const items = noPattern.schemas[origin]?.response?.properties?.messages?.items;
      const field = items?.properties?.conversation_sid;
      if (field) delete field.pattern;
    }
    const o = { ...observe(CH('1'), [CH('2')]), op: noPattern };
    expect(pathValues.run(o, conversations).map((f) => f.severity)).toEqual(['warning']);
    expect(pathValues.run(observe(CH('1'), [CH('2')]), conversations).map((f) => f.severity)).toEqual([
      'error',
    ]);
  });
});
