// Parser for a Twilio docs page as captured to text (see ../shared/sources/*.docs.txt): the
// resource-properties table, each operation's parameter tables, and the example outputs.

import { basename } from 'node:path';
import { decodeSegment, type JsonValue } from '../json';
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
} from './docs-rows';

export type { DocsField } from './docs-rows';

export interface DocsExample {
  /** 1-based line of the example's first JSON line. */
  line: number;
  value: JsonValue;
}

export interface DocsOperation {
  method: string;
  url: string;
  /** The URL's path template, e.g. /v1/Sessions/{id}. */
  path: string;
  line: number;
  pathParams: DocsField[];
  queryParams: DocsField[];
  bodyParams: DocsField[];
  examples: DocsExample[];
}

export interface DocsPage {
  /** File name as given to the parser (provenance uses its base name). */
  file: string;
  title?: string;
  /** Singular resource name, from the "<Name> Properties" heading. */
  resource: string;
  propertiesLine: number;
  properties: DocsField[];
  operations: DocsOperation[];
}

export class DocsParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'DocsParseError';
  }
}

const TABLE_HEADER = /^Property name\s*Type/;
const OPERATION = /^(GET|POST|PUT|PATCH|DELETE)\s+(https?:\/\/\S+)\s*$/;
const NUMBERED = /^\d+$/;
const PROPERTIES_HEADING = /^(.+?)\s+Properties$/;
const PARAM_HEADINGS: Array<[RegExp, 'path' | 'query' | 'body']> = [
  [/^path parameters$/i, 'path'],
  [/^query parameters$/i, 'query'],
  [/^(request )?body parameters$/i, 'body'],
];

/** Lines that end a table in this layout: code samples, outputs, operations, headings. */
function isBoundary(text: string): boolean {
  return (
    OPERATION.test(text) ||
    TABLE_HEADER.test(text) ||
    NUMBERED.test(text) ||
    text === 'Output' ||
    /Link to code sample/.test(text) ||
    /page anchor$/.test(text) ||
    PARAM_HEADINGS.some(([re]) => re.test(text))
  );
}

export function parseDocsPage(text: string, file = 'docs page'): DocsPage {
  const name = basename(file);
  if (text.includes('\u0000') || !/\S/.test(text)) {
    throw new DocsParseError(name, 1, 'not a text docs page (empty or binary)');
  }
  const lines = text.split(/\r?\n/);
  const fail = (line: number, detail: string): never => {
    throw new DocsParseError(name, line, detail);
  };

  let title: string | undefined;
  let resource: string | undefined;
  let propertiesLine = 0;
  let properties: DocsField[] | undefined;
  const operations: DocsOperation[] = [];
  let heading: 'path' | 'query' | 'body' | undefined;

  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] ?? '').trim();
    if (text === '') continue;
    const current = operations.at(-1);

    if (!title && / Resource$/.test(text)) title = text;
    const propertiesHeading = PROPERTIES_HEADING.exec(text);
    if (!properties && propertiesHeading?.[1] && !TABLE_HEADER.test(text)) resource = propertiesHeading[1];

    const op = OPERATION.exec(text);
    if (op?.[1] && op[2]) {
      const url = new URL(op[2].replaceAll('{', '%7B').replaceAll('}', '%7D'));
      const path = decodeSegment(url.pathname);
      operations.push({
        method: op[1],
        url: op[2],
        path,
        line: i + 1,
        pathParams: [],
        queryParams: [],
        bodyParams: [],
        examples: [],
      });
      heading = undefined;
      continue;
    }
    const paramHeading = PARAM_HEADINGS.find(([re]) => re.test(text));
    if (paramHeading) {
      heading = paramHeading[1];
      continue;
    }
    if (TABLE_HEADER.test(text)) {
      const { fields, end } = parseTable(lines, i + 1, fail);
      if (fields.length === 0) fail(i + 1, 'property table has no rows');
      if (!current) {
        if (properties) fail(i + 1, 'a second resource-properties table before any operation');
        properties = fields;
        propertiesLine = i + 1;
      } else {
        for (const field of fields) placeParameter(current, field, heading);
      }
      heading = undefined;
      i = end - 1;
      continue;
    }
    if (text === 'Output') {
      const example = parseExample(lines, i + 1, fail);
      if (!current) fail(i + 1, 'example output before any operation line');
      current?.examples.push(example.example);
      i = example.end - 1;
    }
  }

  if (!properties) fail(lines.length, 'no resource-properties table ("Property name…Type…" header) found');
  if (!resource) resource = title?.replace(/s? Resource$/, '') ?? 'Resource';
  return {
    file: name,
    ...(title ? { title } : {}),
    resource,
    propertiesLine,
    properties: properties as DocsField[],
    operations,
  };
}

/** A table without a heading: a parameter named in the path template is a path parameter. */
function placeParameter(op: DocsOperation, field: DocsField, heading?: 'path' | 'query' | 'body'): void {
  const where =
    heading ?? (op.path.includes(`{${field.name}}`) ? 'path' : op.method === 'GET' ? 'query' : 'body');
  const list = where === 'path' ? op.pathParams : where === 'query' ? op.queryParams : op.bodyParams;
  list.push(field);
}

type Fail = (line: number, detail: string) => never;

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
      if (isBoundary(text)) break;
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
      constraints: row.constraints,
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

  for (; i < lines.length; i++) {
    const text = (lines[i] ?? '').trim();
    if (text === '') {
      inValues = false;
      continue;
    }
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
    if (isBoundary(text)) return row(true);
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
    // Free text after the constraint lines is not part of the table.
    if (inConstraints) return row(true);
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
