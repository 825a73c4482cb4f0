import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DocsPage, DocsParseError, parseDocsPage } from '../../src/sources/docs-page';
import { matchRowStart, parseConstraintLine } from '../../src/sources/docs-rows';
import { missingSourceReason } from '../../src/sources/paths';
import { FIXTURES, fixturePage } from '../support/fixtures';

describe('row start: name and type split by the type grammar', () => {
  it.each([
    ['account_sidSID<AC>', 'account_sid', 'SID<AC>'],
    ['date_updatedstring<date-time>', 'date_updated', 'string<date-time>'],
    ['PageSizeinteger', 'PageSize', 'integer'],
    ['display_stringstring', 'display_string', 'string'],
    ['statusenum<string>', 'status', 'enum<string>'],
    ['tagsarray[SID<CA>]', 'tags', 'array[SID<CA>]'],
    ['numbernumber', 'number', 'number'],
  ])('%s → %s : %s', (line, name, type) => {
    const start = matchRowStart(line);
    expect(start?.name).toBe(name);
    expect(start?.type.notation).toBe(type);
  });

  it('reads a required suffix run into the type', () => {
    expect(matchRowStart('idstringrequired')).toMatchObject({ name: 'id', requiredSuffix: true });
  });

  it.each(['The Session ID.', 'Pattern: ^AC$', 'string', 'idfoo<bar>', 'Minimum: 1'])(
    '%s is not a row',
    (line) => {
      expect(matchRowStart(line)).toBeUndefined();
    },
  );
});

describe('constraint lines', () => {
  it('splits labels that run together', () => {
    const c = {};
    parseConstraintLine('Pattern: ^AC[0-9a-fA-F]{32}$Min length: 34Max length: 34', c);
    expect(c).toEqual({ pattern: '^AC[0-9a-fA-F]{32}$', minLength: 34, maxLength: 34 });
  });
  it('reads negative and large bounds', () => {
    const c = {};
    parseConstraintLine('Minimum: -5Maximum: 1000', c);
    expect(c).toEqual({ minimum: -5, maximum: 1000 });
  });
  it('rejects a bound that is not a number', () => {
    expect(() => parseConstraintLine('Minimum: lots', {})).toThrow(/Minimum.*no number/);
  });
});

describe('a page the suite has never seen (fixture widgets-resource)', () => {
  const page = fixturePage('widgets-resource.docs.txt');
  const byName = Object.fromEntries(page.properties.map((p) => [p.name, p]));

  it('reads every row with its type, requiredness and line', () => {
    expect(page.resource).toBe('Widget');
    expect(page.properties.map((p) => [p.name, p.type.notation, p.required])).toEqual([
      ['sid', 'SID<WG>', true],
      ['display_string', 'string', false],
      ['status', 'enum<string>', false],
      ['count', 'integer', true],
      ['rating', 'number', false],
      ['callback_url', 'string<uri>', false],
      ['phone', 'string<phone-number>', false],
      ['tags', 'array[string]', false],
      ['date_birth', 'string<date>', false],
    ]);
    expect(byName.sid?.line).toBe(12);
  });

  it('keeps PII markers out of the description and joins paragraphs', () => {
    expect(byName.display_string?.pii).toBe('PII MTL: 30 days');
    expect(byName.display_string?.description).toBe('A label people see. It may span\ntwo paragraphs.');
  });

  it('reads enum values, bounds and a missing constraint line', () => {
    expect(byName.status?.constraints.enum).toEqual(['queued', 'in-progress', 'done']);
    expect(byName.count?.constraints).toEqual({ minimum: -5, maximum: 250 });
    expect(byName.rating?.constraints).toEqual({});
    expect(byName.tags?.constraints).toEqual({ maxItems: 10 });
  });

  it('places parameters by heading and examples by operation', () => {
    const [fetch, list] = page.operations;
    expect(fetch?.path).toBe('/v2/Widgets/{sid}');
    expect(fetch?.pathParams.map((p) => [p.name, p.required])).toEqual([['sid', true]]);
    expect(fetch?.examples[0]?.value).toMatchObject({ sid: 'WG00000000000000000000000000000000', count: 3 });
    expect(list?.queryParams.map((p) => p.name)).toEqual(['Status', 'Limit']);
    expect(list?.queryParams[0]?.constraints.enum).toEqual(['queued', 'in-progress', 'done']);
    expect(list?.examples[0]?.value).toMatchObject({ widgets: [] });
  });
});

describe('bad pages give one clear error naming file and line', () => {
  it.each([
    ['truncated-row.docs.txt', /truncated-row\.docs\.txt:\d+: row "ratingnumber" is truncated/],
    ['truncated-example.docs.txt', /truncated-example\.docs\.txt:\d+: example output is truncated/],
    ['garbage.docs.txt', /garbage\.docs\.txt:\d+: no resource-properties table/],
  ])('%s', (file, message) => {
    expect(() => fixturePage(file)).toThrow(DocsParseError);
    expect(() => fixturePage(file)).toThrow(message);
  });

  it('rejects an empty page and a binary one', () => {
    expect(() => parseDocsPage('', 'empty.txt')).toThrow(/empty\.txt:1: not a text docs page/);
    expect(() => parseDocsPage('a\u0000b', 'bin.txt')).toThrow(/not a text docs page/);
  });

  it('rejects a property that appears twice in one table', () => {
    const text = 'X Properties\nProperty nameTypeRequired\nastring\n\nOptional\n\nastring\n\nOptional\n';
    expect(() => parseDocsPage(text, 'dup.txt')).toThrow(/dup\.txt:7: property "a" appears twice/);
  });
});

describe('why a suite that needs the sources skips', () => {
  const spec = join(FIXTURES, 'drift/widgets.openapi.json');
  it('names the spec when the whole sources folder is absent', () => {
    expect(missingSourceReason({ spec: '/nowhere/spec.json', docs: [] })).toBe(
      'needs the openapi spec at /nowhere/spec.json (bash .ci/sources fetches it; TWILIO_SOURCES_DIR points at another copy)',
    );
  });
  it('asks for a docs page beside a spec that is there, and names an unreadable page', () => {
    expect(missingSourceReason({ spec, docs: [] })).toMatch(/^needs a \*\.docs\.txt page beside the spec/);
    expect(missingSourceReason({ spec, docs: ['/nowhere/x.docs.txt'] })).toMatch(
      /^needs the docs page at \/nowhere\/x\.docs\.txt/,
    );
    expect(
      missingSourceReason({ spec, docs: [join(FIXTURES, 'docs', 'truncated-row.docs.txt')] }),
    ).toBeUndefined();
  });
});

/** The pages of one layout under suites/fixtures/docs/<layout>/, parsed. */
const layoutPages = (layout: 'snake' | 'camel') =>
  readdirSync(join(FIXTURES, 'docs', layout))
    .filter((f) => f.endsWith('.docs.txt'))
    .map((f) => ({
      text: readFileSync(join(FIXTURES, 'docs', layout, f), 'utf8'),
      page: fixturePage(`${layout}/${f}`),
    }));

describe.each(['snake', 'camel'] as const)(
  'real-shaped pages, %s layout: every part read, nothing leaked',
  (layout) => {
    const pages = layoutPages(layout);
    const fields = (p: DocsPage) => [
      ...p.properties,
      ...p.operations.flatMap((o) => [...o.pathParams, ...o.queryParams, ...o.bodyParams]),
    ];

    it('tells the layout from the names', () => {
      expect(pages.map(({ page }) => page.layout)).toEqual(pages.map(() => layout));
    });

    it('reads every operation line of every page, whatever its method', () => {
      for (const { text, page } of pages) {
        const lines = text.split('\n').filter((l) => /^(GET|POST|PUT|PATCH|DELETE) https:\/\//.test(l));
        expect(
          page.operations.map((o) => `${o.method} ${o.url}`),
          page.file,
        ).toEqual(lines);
      }
      const methods = new Set(pages.flatMap(({ page }) => page.operations.map((o) => o.method)));
      expect([...methods].sort()).toEqual(['DELETE', 'GET', 'POST', 'PUT']);
    });

    it('never puts a section heading, an anchor or a body preamble into a description', () => {
      for (const { text, page } of pages) {
        const lines = text.split('\n');
        // A heading is the line its "<slug> page anchor" line follows (after blank lines).
        const headings = lines.flatMap((l, k) => {
          const next = lines.slice(k + 1).find((x) => x.trim() !== '');
          return l.trim() && next?.endsWith('page anchor') ? [l.trim()] : [];
        });
        expect(headings.length, page.file).toBeGreaterThan(1);
        for (const f of fields(page)) {
          for (const h of headings) expect(f.description, `${page.file} ${f.name}`).not.toContain(h);
          expect(f.description, `${page.file} ${f.name}`).not.toMatch(
            /page anchor|Encoding type|^Schema$|Link to code sample/m,
          );
        }
      }
    });

    it('places a body table introduced only by its "Encoding type" preamble in the body, with its media type', () => {
      const messages = pages.find(({ page }) => page.file === 'messages.docs.txt')?.page;
      const send = messages?.operations[0];
      expect(send?.pathParams.map((p) => [p.name, p.description])).toEqual([
        ['id', 'Identifier of the Assistant.'],
      ]);
      expect(send?.bodyParams.map((p) => p.required)).toEqual([true, false, true, false, false]);
      expect(send?.bodyEncoding).toBe('application/json');
      expect(send?.bodyParams.at(-1)?.constraints.default).toBe('chat');
    });

    it('keeps the last row of a table to itself: prose after a body table and the next heading stay out', () => {
      const knowledge = pages.find(({ page }) => page.file === 'knowledge.docs.txt')?.page;
      const create = knowledge?.operations.find((o) => o.method === 'POST');
      const last = create?.bodyParams.at(-1);
      expect(last?.description).not.toMatch(/can be set up through the API/);
      const tools = pages.find(({ page }) => page.file === 'assistant-tools.docs.txt')?.page;
      const updated = tools?.properties.at(-1);
      expect(updated?.description).toMatch(/^When the Tool was last changed/);
      expect(tools?.operations.map((o) => o.title)).toEqual([
        'List all Tools connected to an Assistant',
        'Connect a Tool to an Assistant',
        'Disconnect a Tool from an Assistant',
      ]);
    });
  },
);

describe('the captured layouts’ quirks, line by line', () => {
  const page = (body: string) =>
    parseDocsPage(
      `Things Resource\n\nThing Properties\n\nthing-properties page anchor\nProperty nameTypeRequiredDescriptionChild properties\n${body}`,
      'quirks.docs.txt',
    );

  it('a heading right after the last row ends it (the older page leaked "Get Conversation History")', () => {
    const p = page(
      'date_updatedstring<date-time>Optional\n\nWhen it changed.\n\n\nGet Conversation History\n\nget-conversation-history page anchor\nGET https://x.example.test/v1/Things\n',
    );
    expect(p.properties[0]?.description).toBe('When it changed.');
    expect(p.operations[0]?.title).toBe('Get Conversation History');
  });

  it('a line that only looks like a heading (no anchor for it) stays in the description', () => {
    const p = page(
      'notestring\n\nOptional\n\nFirst paragraph.\n\nSecond paragraph.\n\nother-thing page anchor\n',
    );
    expect(p.properties[0]?.description).toBe('First paragraph.\nSecond paragraph.');
  });

  it('possible values a capture runs together on one line are told apart by the words of their row', () => {
    // The newer pages print the values as chips; captured, they come out as one word per row.
    const p = page(
      'moodenum<string>\n\nOptional\n\nHow the thing feels: mostly calm, at times grumpy or sleepy-ish.\n\nPossible values:\ncalmgrumpysleepy-ish\n\nplanenum<string>\n\nOptional\n\nEither Basic or Deluxe once bought.\n\nPossible values:\nBasicDeluxe\n\n',
    );
    expect(p.properties.map((f) => f.constraints.enum)).toEqual([
      ['calm', 'grumpy', 'sleepy-ish'],
      ['Basic', 'Deluxe'],
    ]);
  });

  it('a value the words of its row cannot split, or that is one of them, stays as printed', () => {
    const p = page(
      'kindenum<string>\n\nOptional\n\nThe kind of thing.\n\nPossible values:\nthingamajig\n\nstateenum<string>\n\nOptional\n\nUsually on, or off when idle.\n\nPossible values:\non\noff\n\n',
    );
    expect(p.properties.map((f) => f.constraints.enum)).toEqual([['thingamajig'], ['on', 'off']]);
  });

  it('a path table followed by an unheaded body table: the preamble neither leaks nor misplaces the rows', () => {
    const p = page(
      'idstringrequired\n\nThe id.\n\n\nPOST https://x.example.test/v1/Things/{id}\n\nPath parameters\n\npath-parameters page anchor\nProperty nameTypeRequiredPIIDescription\nidstringrequired\n\nThe thing.\n\nEncoding type:application/x-www-form-urlencoded\nSchema\nProperty nameTypeRequiredDescriptionChild properties\nfriendlyNamestring\n\nOptional\n\nA name.\n\n',
    );
    const [op] = p.operations;
    expect(op?.pathParams.map((f) => [f.name, f.description])).toEqual([['id', 'The thing.']]);
    expect(op?.bodyParams.map((f) => f.name)).toEqual(['friendlyName']);
    expect(op?.bodyEncoding).toBe('application/x-www-form-urlencoded');
  });
});
