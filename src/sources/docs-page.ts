// Parser for a Twilio docs page as captured to text (see ../shared/sources/*.docs.txt): the
// resource-properties table, every operation (GET, POST, PUT, PATCH, DELETE) with its path, query
// and body tables and its example outputs, in either layout (older snake_case, newer camelCase).
// Section headings and a body table's preamble end a table: they never become a description.
// A page in the markdown layout Twilio serves beside each page goes to its own reader (docs-markdown.ts).

import { basename } from 'node:path';
import type { JsonValue } from '../json';
import { isMarkdownPage, readMarkdownPage } from './docs-markdown';
import {
  ConstraintError,
  type Constraints,
  confirmedRowStart,
  type DocsField,
  isConstraintLine,
  isPiiMarker,
  isRequiredness,
  matchRowStart,
  parseConstraintLine,
  splitValues,
  withValuesApart,
} from './docs-rows';
import {
  type DocsExample,
  type DocsLayout,
  type DocsOperation,
  type DocsPage,
  DocsParseError,
  type Fail,
  operationAt,
} from './docs-types';

export type { DocsField } from './docs-rows';
export type { DocsExample, DocsLayout, DocsOperation, DocsPage } from './docs-types';
export { DocsParseError } from './docs-types';

type Where = 'path' | 'query' | 'body';

const TABLE_HEADER = /^Property name\s*Type/;
const OPERATION = /^(GET|POST|PUT|PATCH|DELETE)\s+(https?:\/\/\S+)\s*$/;
const NUMBERED = /^\d+$/;
const PROPERTIES_HEADING = /^(.+?)\s+Properties$/;
const PAGE_ANCHOR = /page anchor$/;
/** A body table's preamble: "Encoding type:application/json", then "Schema". */
const ENCODING = /^Encoding type:\s*(\S+)\s*$/i;
const SCHEMA_LINE = /^Schema$/;
const PARAM_HEADINGS: Array<[RegExp, Where]> = [
  [/^path parameters$/i, 'path'],
  [/^query parameters$/i, 'query'],
  [/^(request )?body parameters$/i, 'body'],
];

/** Letters and digits only, lower-cased: how a heading and its anchor's slug are matched. */
const slugKey = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A section heading: the line its "<slug> page anchor" line follows ("Get Conversation History"). */
function isHeading(lines: readonly string[], i: number): boolean {
  const text = (lines[i] ?? '').trim();
  const anchor = /^(.+?)\s*page anchor$/.exec(nextText(lines, i));
  return anchor?.[1] !== undefined && text !== '' && slugKey(anchor[1]) === slugKey(text);
}

/** The next non-blank line after line i, trimmed ('' at the end). */
function nextText(lines: readonly string[], i: number): string {
  for (let j = i + 1; j < lines.length; j++) {
    const text = (lines[j] ?? '').trim();
    if (text !== '') return text;
  }
  return '';
}

/**
 * Lines that end a table in this layout: code samples, outputs, operations, headings, a body
 * table's preamble. A section heading is the line its "<slug> page anchor" line follows.
 */
function isBoundary(lines: readonly string[], i: number): boolean {
  const text = (lines[i] ?? '').trim();
  return (
    OPERATION.test(text) ||
    TABLE_HEADER.test(text) ||
    NUMBERED.test(text) ||
    text === 'Output' ||
    /Link to code sample/.test(text) ||
    PAGE_ANCHOR.test(text) ||
    ENCODING.test(text) ||
    SCHEMA_LINE.test(text) ||
    PARAM_HEADINGS.some(([re]) => re.test(text)) ||
    isHeading(lines, i)
  );
}

/** What the parse has seen so far: the page's parts, and where the next table goes. */
interface State {
  title?: string;
  resource?: string;
  propertiesLine: number;
  properties?: DocsField[];
  operations: DocsOperation[];
  /** The heading a table's rows go under (Path parameters, an Encoding type preamble…). */
  where?: Where;
  encoding?: string;
  /** The last section heading, for the operation that follows it. */
  heading?: string;
  /** The index of the line after the last example output read. */
  exampleEnd?: number;
}

export function parseDocsPage(text: string, file = 'docs page'): DocsPage {
  const name = basename(file);
  if (text.includes('\u0000') || !/\S/.test(text)) {
    throw new DocsParseError(name, 1, 'not a text docs page (empty or binary)');
  }
  const lines = text.split(/\r?\n/);
  const fail: Fail = (line, detail) => {
    throw new DocsParseError(name, line, detail);
  };
  if (isMarkdownPage(text)) return { file: name, ...readMarkdownPage(lines, fail) };
  const state: State = { propertiesLine: 0, operations: [] };
  for (let i = 0; i < lines.length; i++) i = step(lines, i, state, fail);
  if (!state.properties)
    fail(lines.length, 'no resource-properties table ("Property name…Type…" header) found');
  const properties = state.properties as DocsField[];
  const sample = endsInSample(lines, state);
  return {
    file: name,
    ...(state.title ? { title: state.title } : {}),
    resource: state.resource ?? state.title?.replace(/s? Resource$/, '') ?? 'Resource',
    layout: layoutOf(properties, state.operations),
    propertiesLine: state.propertiesLine,
    properties,
    operations: state.operations,
    ...(sample ? { endsInSample: sample } : {}),
  };
}

/**
 * The page's last line, when it is a code sample's (a line number, or the code after one) past the
 * last operation line and the last example output: a whole page goes on to an output or its footer.
 */
function endsInSample(lines: readonly string[], state: State): number | undefined {
  let last = lines.length - 1;
  while (last >= 0 && (lines[last] ?? '').trim() === '') last--;
  const numbered = (k: number) => k >= 0 && NUMBERED.test((lines[k] ?? '').trim());
  const lastOperation = (state.operations.at(-1)?.line ?? Number.POSITIVE_INFINITY) - 1;
  if (last <= lastOperation || last < (state.exampleEnd ?? 0)) return undefined;
  return numbered(last) || numbered(last - 1) ? last + 1 : undefined;
}

/** Reads what starts at line i; returns the last line it consumed. */
function step(lines: readonly string[], i: number, state: State, fail: Fail): number {
  const text = (lines[i] ?? '').trim();
  if (text === '') return i;
  const current = state.operations.at(-1);
  if (!state.title && / Resource$/.test(text)) state.title = text;
  const propertiesHeading = PROPERTIES_HEADING.exec(text);
  if (!state.properties && propertiesHeading?.[1] && !TABLE_HEADER.test(text))
    state.resource = propertiesHeading[1];
  const op = OPERATION.exec(text);
  if (op?.[1] && op[2]) {
    state.operations.push(operationAt(op[1], op[2], i, state.heading));
    state.where = undefined;
    state.encoding = undefined;
    state.heading = undefined;
    return i;
  }
  const paramHeading = PARAM_HEADINGS.find(([re]) => re.test(text));
  if (paramHeading) {
    state.where = paramHeading[1];
    return i;
  }
  if (isHeading(lines, i)) {
    state.heading = text;
    return i;
  }
  const encoding = ENCODING.exec(text);
  if (encoding?.[1]) {
    state.where = 'body';
    state.encoding = encoding[1];
    return i;
  }
  if (TABLE_HEADER.test(text)) return table(lines, i, state, fail);
  if (text === 'Output') {
    const example = parseExample(lines, i + 1, fail);
    if (!current) fail(i + 1, 'example output before any operation line');
    current?.examples.push(example.example);
    state.exampleEnd = example.end;
    return example.end - 1;
  }
  return i;
}

/** A table: the page's properties (before any operation) or the current operation's parameters. */
function table(lines: readonly string[], i: number, state: State, fail: Fail): number {
  const { fields, end } = parseTable(lines, i + 1, fail);
  if (fields.length === 0) fail(i + 1, 'property table has no rows');
  const current = state.operations.at(-1);
  if (!current) {
    if (state.properties) fail(i + 1, 'a second resource-properties table before any operation');
    state.properties = fields;
    state.propertiesLine = i + 1;
  } else {
    for (const field of fields) placeParameter(current, field, state.where);
    if (state.where === 'body' && state.encoding) current.bodyEncoding = state.encoding;
    if (end >= lines.length) current.cutOff = fields.at(-1)?.line;
  }
  state.where = undefined;
  state.heading = undefined;
  return end - 1;
}

/**
 * The newer layout spells names in camelCase (accountSid, pageSize); the older one as the API does
 * (account_sid, PageSize). Told by the names themselves: a lower-case start with an upper-case
 * letter after it, or a query parameter starting lower-case (the API's start upper-case).
 */
function layoutOf(properties: readonly DocsField[], operations: readonly DocsOperation[]): DocsLayout {
  const hump = /^[a-z][a-z0-9]*[A-Z]/;
  const fields = [...properties, ...operations.flatMap((o) => [...o.queryParams, ...o.bodyParams])];
  if (fields.some((f) => f.name.includes('_'))) return 'snake';
  const camel =
    fields.some((f) => hump.test(f.name)) ||
    operations.some((o) => o.queryParams.some((p) => /^[a-z]/.test(p.name)));
  return camel ? 'camel' : 'snake';
}

/** A table without a heading: a parameter named in the path template is a path parameter. */
function placeParameter(op: DocsOperation, field: DocsField, heading?: Where): void {
  const where =
    heading ?? (op.path.includes(`{${field.name}}`) ? 'path' : op.method === 'GET' ? 'query' : 'body');
  const list = where === 'path' ? op.pathParams : where === 'query' ? op.queryParams : op.bodyParams;
  list.push(field);
}

function parseTable(
  lines: readonly string[],
  from: number,
  fail: Fail,
): { fields: DocsField[]; end: number } {
  const fields: DocsField[] = [];
  let i = from;
  while (i < lines.length) {
    const text = (lines[i] ?? '').trim();
    if (text === '') {
      i++;
      continue;
    }
    const start = confirmedRowStart(lines, i);
    if (!start) {
      if (isBoundary(lines, i)) break;
      // A name/type line with nothing after it: the page was cut off mid-row.
      failIfTruncatedRow(lines, i, fail);
      if (fields.length === 0)
        fail(i + 1, `expected a property row (name followed by a type), got "${text}"`);
      break;
    }
    if (fields.some((f) => f.name === start.name))
      fail(i + 1, `property "${start.name}" appears twice in one table`);
    const row = parseRowBody(lines, i + 1, start.requiredSuffix !== undefined, fail);
    const field: DocsField = {
      name: start.name,
      type: start.type,
      required: start.requiredSuffix ?? row.required,
      description: row.description,
      constraints: withValuesApart(row.constraints, row.description),
      line: i + 1,
    };
    if (row.pii) field.pii = row.pii;
    fields.push(field);
    i = row.end;
    if (row.endsTable) break;
  }
  return { fields, end: i };
}

/** A name/type line with nothing after it: the page was cut off mid-row. */
/** Nothing but blank lines after line i (stops at the first non-blank one: linear over a page). */
function onlyBlankAfter(lines: readonly string[], i: number): boolean {
  for (let j = i + 1; j < lines.length; j++) if ((lines[j] ?? '').trim() !== '') return false;
  return true;
}

function failIfTruncatedRow(lines: readonly string[], i: number, fail: Fail): void {
  const text = (lines[i] ?? '').trim();
  if (matchRowStart(text) && onlyBlankAfter(lines, i)) {
    fail(i + 1, `row "${text}" is truncated: no Required/Optional line`);
  }
}

interface RowBody {
  required: boolean;
  pii?: string;
  description: string;
  constraints: Constraints;
  end: number;
  endsTable: boolean;
}

function parseRowBody(
  lines: readonly string[],
  from: number,
  requirednessGiven: boolean,
  fail: Fail,
): RowBody {
  let i = from;
  let required = false;
  let pii: string | undefined;
  const description: string[] = [];
  const constraints: Constraints = {};
  let inConstraints = false;
  let inValues = false;
  let sawRequiredness = requirednessGiven;
  let blanks = 0;

  for (; i < lines.length; i++) {
    const text = (lines[i] ?? '').trim();
    if (text === '') {
      inValues = false;
      blanks++;
      continue;
    }
    const gap = blanks;
    blanks = 0;
    if (!sawRequiredness) {
      // confirmedRowStart guaranteed this line is Required/Optional.
      required = /^required$/i.test(text);
      sawRequiredness = true;
      continue;
    }
    if (inValues) {
      constraints.enum ??= [];
      for (const v of splitValues(text)) constraints.enum.push(v);
      continue;
    }
    if (confirmedRowStart(lines, i)) return row(false);
    if (isBoundary(lines, i)) return row(true);
    failIfTruncatedRow(lines, i, fail);
    if (!pii && description.length === 0 && isPiiMarker(text)) {
      pii = text;
      continue;
    }
    if (isConstraintLine(text)) {
      try {
        parseConstraintLine(text, constraints);
      } catch (e) {
        if (e instanceof ConstraintError) fail(i + 1, e.message);
        throw e;
      }
      inConstraints = true;
      inValues = /^Possible values:\s*$/.test(text);
      continue;
    }
    if (isRequiredness(text)) fail(i + 1, `a second Required/Optional line in one row`);
    // Free text after the constraint lines, or after a row's block (two blank lines end one; its
    // paragraphs are one blank line apart), is not part of the table.
    if (inConstraints || (description.length > 0 && gap >= 2)) return row(true);
    description.push(text);
  }
  if (!sawRequiredness) fail(i, 'row is truncated: no Required/Optional line');
  return row(true);

  function row(endsTable: boolean): RowBody {
    const body: RowBody = { required, description: description.join('\n'), constraints, end: i, endsTable };
    if (pii) body.pii = pii;
    return body;
  }
}

/** The numbered-line JSON block after "Output": `1`, `{`, `2`, `"a": 1`, … */
function parseExample(
  lines: readonly string[],
  from: number,
  fail: Fail,
): { example: DocsExample; end: number } {
  let i = from;
  while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
  const first = i;
  const json: string[] = [];
  let expected = 1;
  while (i < lines.length && (lines[i] ?? '').trim() === String(expected)) {
    if (i + 1 >= lines.length) fail(i + 1, `example output is truncated after line number ${expected}`);
    json.push(lines[i + 1] ?? '');
    expected++;
    i += 2;
  }
  if (json.length === 0) fail(first + 1, 'expected a numbered JSON block after "Output"');
  let value: JsonValue;
  try {
    value = JSON.parse(json.join('\n')) as JsonValue;
  } catch (e) {
    const why = i >= lines.length ? 'is truncated' : 'is not valid JSON';
    return fail(first + 1, `example output ${why} (${(e as Error).message})`);
  }
  return { example: { line: first + 2, value }, end: i };
}
