// Reader for the markdown layout Twilio serves beside each docs page (static0.twilio.com/docs/…/x.md):
// the resource's properties as the JSON schema in `<OperationTable type="properties" data={{…}} />`,
// each operation as a `METHOD URL` line under its `## heading`, and its parameters as ```json blocks
// under `### Path parameters`, `### Query parameters` and `### Request body parameters`. Code samples
// and any other block are skipped. Example outputs are not read: no capture of this layout showed how
// it prints them. A property whose type is not one JSON type (oneOf, $ref…) is left out and said.

import { isRecord } from '../json';
import type { Constraints, DocsField } from './docs-rows';
import { type DocsOperation, type DocsPage, type Fail, operationAt } from './docs-types';
import { parseTypeNotation, type TwilioType } from './twilio-types';

/** A page in this layout: it holds an OperationTable of the resource's properties. */
export const isMarkdownPage = (text: string): boolean => /^<OperationTable\s/m.test(text);

type Where = 'path' | 'query' | 'body';

const OPERATION = /^`(GET|POST|PUT|PATCH|DELETE)\s+(https?:\/\/\S+)`\s*$/;
const PROPERTIES_TABLE = /^<OperationTable\s+type="properties"\s+data=\{(.*)\}\s*\/>\s*$/;
const PARAM_HEADINGS: Array<[RegExp, Where]> = [
  [/^###\s+path parameters$/i, 'path'],
  [/^###\s+query parameters$/i, 'query'],
  [/^###\s+(request )?body parameters$/i, 'body'],
];
const WHAT: Record<Where, string> = {
  path: 'path parameters',
  query: 'query parameters',
  body: 'request body parameters',
};

interface State {
  title?: string;
  resource?: string;
  properties?: DocsField[];
  propertiesLine: number;
  operations: DocsOperation[];
  heading?: string;
  where?: Where;
  /** The open ``` block: its first line's index and whether it holds JSON. */
  block?: { start: number; json: boolean; lines: string[] };
  unread: Array<{ line: number; detail: string }>;
  /** The index of the page's last line that is not blank. */
  last: number;
}

/** The page's parts (all but its file name), or one clear error through `fail`. */
export function readMarkdownPage(lines: readonly string[], fail: Fail): Omit<DocsPage, 'file'> {
  const state: State = { propertiesLine: 0, operations: [], unread: [], last: lastLine(lines) - 1 };
  lines.forEach((line, i) => {
    step(line, i, state, fail);
  });
  const open = state.block;
  const cutsParameters = open?.json === true && state.where !== undefined;
  const current = state.operations.at(-1);
  // A page that ends inside a parameter block cuts its operation off; inside any other, it is said.
  if (open && cutsParameters && current) current.cutOff = open.start + 2;
  if (!state.properties) fail(lines.length, 'no <OperationTable type="properties"> of the resource read');
  return {
    ...(state.title ? { title: state.title } : {}),
    resource: state.resource ?? state.title?.replace(/s? Resource$/i, '') ?? 'Resource',
    layout: 'snake',
    propertiesLine: state.propertiesLine,
    properties: state.properties as DocsField[],
    operations: state.operations,
    ...(open && !cutsParameters ? { endsInSample: state.last + 1 } : {}),
    ...(state.unread.length ? { unread: state.unread } : {}),
  };
}

/** The 1-based number of the page's last line that is not blank. */
function lastLine(lines: readonly string[]): number {
  let last = lines.length;
  while (last > 1 && (lines[last - 1] ?? '').trim() === '') last--;
  return last;
}

function step(raw: string, i: number, state: State, fail: Fail): void {
  const line = raw.trim();
  if (state.block) {
    if (line.startsWith('```')) closeBlock(state, fail);
    else state.block.lines.push(raw);
    return;
  }
  if (line.startsWith('```')) {
    state.block = { start: i, json: /^```json\s*$/i.test(line), lines: [] };
    return;
  }
  if (line.startsWith('<OperationTable')) {
    propertiesAt(line, i, state, fail);
    return;
  }
  const op = OPERATION.exec(line);
  if (op?.[1] && op[2]) {
    state.operations.push(operationAt(op[1], op[2], i, state.heading));
    state.heading = undefined;
    state.where = undefined;
    return;
  }
  headingAt(line, state);
}

/** A heading: a parameter section's (where the next JSON block goes), the page's title, or a section's. */
function headingAt(line: string, state: State): void {
  if (!line.startsWith('#')) return;
  state.where = PARAM_HEADINGS.find(([re]) => re.test(line))?.[1];
  if (state.where) return;
  const title = /^#\s+(.+)$/.exec(line)?.[1];
  if (title && !state.title) state.title = title.trim();
  const section = /^##\s+(.+)$/.exec(line)?.[1]?.trim();
  if (!section) return;
  const properties = /^(.+?)\s+Properties$/.exec(section)?.[1];
  if (properties && !state.properties) state.resource = properties;
  else state.heading = section;
}

/** The resource's properties: the OperationTable's data, a JSON schema of an object (a table of another type is not read). */
function propertiesAt(line: string, i: number, state: State, fail: Fail): void {
  if (!/^<OperationTable\s+type="properties"/.test(line)) return;
  const data = PROPERTIES_TABLE.exec(line)?.[1];
  const schema = data === undefined ? undefined : parsed(data);
  if (!isRecord(schema))
    fail(
      i + 1,
      i >= state.last
        ? "the page ends inside the properties' <OperationTable> (cut off there?): its data is not whole JSON"
        : "the properties' <OperationTable> data is not valid JSON",
    );
  if (state.properties) {
    state.unread.push({
      line: i + 1,
      detail: 'a second properties table is not read (the first is the resource)',
    });
    return;
  }
  state.properties = fieldsOfObject(schema as Record<string, unknown>, i + 1, state, fail);
  state.propertiesLine = i + 1;
}

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** A closed ``` block: a JSON one under a parameter heading gives the current operation's parameters. */
function closeBlock(state: State, fail: Fail): void {
  const block = state.block as NonNullable<State['block']>;
  state.block = undefined;
  const current = state.operations.at(-1);
  const where = state.where;
  if (!block.json || !where || !current) return;
  const line = block.start + 2;
  let value: unknown;
  try {
    value = JSON.parse(block.lines.join('\n'));
  } catch (e) {
    fail(line, `the ${WHAT[where]}' JSON block is not valid JSON (${(e as Error).message})`);
  }
  const fields =
    where === 'body'
      ? fieldsOfObject(isRecord(value) && isRecord(value.schema) ? value.schema : {}, line, state, fail)
      : parametersOf(value, line, state, fail);
  const list =
    where === 'path' ? current.pathParams : where === 'query' ? current.queryParams : current.bodyParams;
  list.push(...fields);
  state.where = undefined;
}

/** Path or query parameters: OpenAPI parameter objects, each with its schema. */
function parametersOf(value: unknown, line: number, state: State, fail: Fail): DocsField[] {
  const params = Array.isArray(value) ? value.filter(isRecord) : [];
  return params.flatMap((p) => {
    const name = typeof p.name === 'string' ? p.name : undefined;
    const schema = isRecord(p.schema) ? p.schema : {};
    if (!name) return [];
    const field = fieldOf(
      name,
      { ...schema, description: p.description },
      p.required === true,
      line,
      state,
      fail,
    );
    return field ? [field] : [];
  });
}

/** The properties of an object schema, required as its `required` list says. */
function fieldsOfObject(
  schema: Record<string, unknown>,
  line: number,
  state: State,
  fail: Fail,
): DocsField[] {
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const properties = isRecord(schema.properties) ? schema.properties : {};
  return Object.entries(properties).flatMap(([name, s]) => {
    const field = isRecord(s) ? fieldOf(name, s, required.has(name), line, state, fail) : undefined;
    return field ? [field] : [];
  });
}

function fieldOf(
  name: string,
  schema: Record<string, unknown>,
  required: boolean,
  line: number,
  state: State,
  fail: Fail,
): DocsField | undefined {
  const type = typeOf(schema);
  if (!type) {
    const shape = ['oneOf', 'anyOf', 'allOf', '$ref'].find((k) => k in schema) ?? 'no type';
    state.unread.push({
      line,
      detail: `property "${name}" is left out: its type (${shape}) has no reader in this layout`,
    });
    return undefined;
  }
  const description = typeof schema.description === 'string' ? plainText(schema.description) : '';
  return { name, type, required, description, constraints: constraintsOf(name, schema, line, fail), line };
}

/** Twilio's notation for a JSON schema of one type: string<date-time>, enum<string>, array[integer]… */
function typeOf(schema: Record<string, unknown>): TwilioType | undefined {
  if (schema.type === 'array') {
    const items = isRecord(schema.items) ? typeOf(schema.items) : undefined;
    return parseTypeNotation(items && !items.items ? `array[${items.notation}]` : 'array');
  }
  if (typeof schema.type !== 'string') return undefined;
  if (Array.isArray(schema.enum)) return parseTypeNotation(`enum<${schema.type}>`);
  return parseTypeNotation(
    typeof schema.format === 'string' ? `${schema.type}<${schema.format}>` : schema.type,
  );
}

const BOUNDS = ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems'] as const;

function constraintsOf(name: string, schema: Record<string, unknown>, line: number, fail: Fail): Constraints {
  const c: Constraints = {};
  if (typeof schema.pattern === 'string') {
    try {
      new RegExp(schema.pattern, 'u');
    } catch {
      fail(line, `property "${name}": pattern is not a valid regular expression: "${schema.pattern}"`);
    }
    c.pattern = schema.pattern;
  }
  for (const key of BOUNDS) if (typeof schema[key] === 'number') c[key] = schema[key];
  if (schema.default !== undefined && schema.default !== null) c.default = String(schema.default);
  const values = Array.isArray(schema.enum)
    ? schema.enum
    : isRecord(schema.items)
      ? schema.items.enum
      : undefined;
  if (Array.isArray(values)) c.enum = values.map(String);
  return c;
}

/** Markdown prose as the text layout prints it: links and emphasis as their words. */
const plainText = (markdown: string): string =>
  markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*([^*]*)\*\*/g, '$1')
    .replace(/`([^`]*)`/g, '$1');
