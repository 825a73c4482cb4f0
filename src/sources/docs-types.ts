// The parts of a docs page as every layout's reader gives them (docs-page.ts reads the captured text
// layouts, docs-markdown.ts the markdown one Twilio serves beside each page), and the one error a page
// that cannot be read gives.

import { decodeSegment, type JsonValue } from '../json';
import type { DocsField } from './docs-rows';

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
  /** The section heading above the operation ("Get Conversation History"), when the page has one. */
  title?: string;
  pathParams: DocsField[];
  queryParams: DocsField[];
  bodyParams: DocsField[];
  /** The body's media type, from the table's "Encoding type:" preamble (application/json, …). */
  bodyEncoding?: string;
  examples: DocsExample[];
  /**
   * The 1-based line of the row the page ends inside, when it ends inside one of this operation's
   * tables: a capture cut off there (a whole page goes on to the operation's code sample).
   */
  cutOff?: number;
}

/**
 * How the page spells names: `snake` (the older layout: account_sid, PageSize, as the API does) or
 * `camel` (the newer one: accountSid, pageSize). The model turns camel names into the API's own.
 */
export type DocsLayout = 'snake' | 'camel';

export interface DocsPage {
  /** File name as given to the parser (provenance uses its base name). */
  file: string;
  title?: string;
  /** Singular resource name, from the "<Name> Properties" heading. */
  resource: string;
  layout: DocsLayout;
  propertiesLine: number;
  properties: DocsField[];
  operations: DocsOperation[];
  /**
   * The 1-based line of the page's last line when the page ends inside a code sample (numbered code
   * lines with no output or footer after them): a capture cut off there, whatever came next unknown.
   */
  endsInSample?: number;
  /** What the page states that its reader could not read (a property of a type it has no reader for). */
  unread?: Array<{ line: number; detail: string }>;
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

/** Stops the read of a page: one line naming the page's line and what is wrong there. */
export type Fail = (line: number, detail: string) => never;

/** An operation as its line states it (method, URL, its path template), its tables still to come. */
export function operationAt(method: string, url: string, i: number, title?: string): DocsOperation {
  const path = decodeSegment(new URL(url.replaceAll('{', '%7B').replaceAll('}', '%7D')).pathname);
  return {
    method,
    url,
    path,
    line: i + 1,
    ...(title ? { title } : {}),
    pathParams: [],
    queryParams: [],
    bodyParams: [],
    examples: [],
  };
}
