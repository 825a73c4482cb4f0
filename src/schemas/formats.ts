// The formats Twilio's specs use beyond JSON Schema's own (uri, date-time, date, email, and
// ajv-formats' int32, int64, float, double): each one validated where it has a definition. A format
// no definition covers (`phone-number` holds E.164 numbers, "(808) 925-1571", short codes and
// alphanumeric sender ids alike; `endpoint`; a name no one has seen yet) is accepted as it comes,
// and the validator lists it so a run says so: a guessed definition would raise false alarms.

import { fullFormats } from 'ajv-formats/dist/formats.js';
import { FORMAT_PATTERNS } from '../model/value-space';

type Check = (value: string) => boolean;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC_2822 = new RegExp(
  `^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\\s+)?(\\d{1,2})\\s+(${MONTHS.join('|')})\\s+(\\d{4})\\s+(\\d{2}):(\\d{2})(?::(\\d{2}))?\\s+(?:[+-]\\d{4}|GMT|UT|Z|[ECMP][SD]T)$`,
);

/** RFC 2822 (Twilio API v2010's dates): "Thu, 30 Jul 2015 20:00:00 +0000", a real day of its month. */
export const isRfc2822Date: Check = (value) => {
  const m = RFC_2822.exec(value);
  if (!m) return false;
  const [day, month, year, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'];
  const monthIndex = MONTHS.indexOf(month as string);
  const days = new Date(Date.UTC(Number(year), monthIndex + 1, 0)).getUTCDate();
  return (
    Number(day) >= 1 && Number(day) <= days && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 61
  );
};

/** A Twilio SID: two capital letters and 32 hex digits (formats named `…Sid`: AccountSid, UserSid…). */
const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

/** A check of a format of a fixed shape (src/model/value-space.ts FORMAT_PATTERNS). */
const matches = (pattern: string | undefined): Check => {
  const re = new RegExp(pattern ?? '');
  return (v) => re.test(v);
};

/** Formats with a definition, by name. */
export const TWILIO_FORMATS: Record<string, Check> = {
  'date-time-rfc-2822': isRfc2822Date,
  // Twilio echoes the method it will call a webhook with; examples show both cases.
  'http-method': (v) => /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/i.test(v),
  // ISO 3166-1 alpha-2; ISO 4217 (Twilio answers "USD" and "usd"): their shapes are the model's.
  'iso-country-code': matches(FORMAT_PATTERNS['iso-country-code']),
  currency: matches(FORMAT_PATTERNS.currency),
  // A TwiML document.
  twiml: (v) => /^\s*</.test(v) && />\s*$/.test(v),
};

/** The definition of a format, when one is known: the table, or a SID format by its name. */
export function twilioFormat(name: string): Check | undefined {
  return TWILIO_FORMATS[name] ?? (/Sid$/.test(name) ? (v) => SID.test(v) : undefined);
}

/** What an ajv format (a function, a regular expression, or either under `validate`) says of a string. */
export function checkOf(format: unknown): Check {
  const inner =
    typeof format === 'object' && format !== null && 'validate' in format ? format.validate : format;
  if (typeof inner === 'function') return (v) => Boolean((inner as (s: string) => unknown)(v));
  if (inner instanceof RegExp) return (v) => inner.test(v);
  return () => true;
}

/** Format definitions by name, as ajv holds them (`ajv.formats`): what compiled code is handed. */
export type FormatTable = Record<string, unknown>;

/**
 * The formats every validator knows before a schema names any, without loading ajv: ajv-formats'
 * full set and every defined Twilio format (strings only), and Twilio's unset link: an empty string
 * where a URL (or a path on the host) would be, as API v2010, Trunking, TaskRouter and Bulk Exports
 * answer (`"sms_fallback_url": ""`).
 */
export function baseFormats(): FormatTable {
  const table: FormatTable = { ...fullFormats };
  for (const [name, validate] of Object.entries(TWILIO_FORMATS)) table[name] = { type: 'string', validate };
  for (const name of ['uri', 'uri-reference']) {
    const link = checkOf(table[name]);
    table[name] = { type: 'string', validate: (v: string) => v === '' || link(v) };
  }
  return table;
}

const letters = (seed: number, n: number): string =>
  Array.from({ length: n }, (_, k) => String.fromCharCode(65 + (Math.floor(seed / 26 ** k) % 26))).join('');

/**
 * A value of a Twilio format, for generated data (the reference provider, request bodies): what
 * the format's definition accepts; undefined for the formats JSON Schema itself defines.
 */
export function twilioSample(format: string | undefined, seed: number, name: string): string | undefined {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  switch (format) {
    case 'date-time-rfc-2822':
      return new Date(Date.UTC(2024, 0, 1) + (seed % 365) * 86_400_000).toUTCString().replace('GMT', '+0000');
    case 'uri-reference':
      return `/${name}/${seed.toString(16)}`;
    case 'http-method':
      return seed % 2 ? 'GET' : 'POST';
    // Capital letters drawn from the seed: the items of a list keyed by country (Pricing) stay apart.
    case 'iso-country-code':
      return letters(seed, 2);
    case 'currency':
      return letters(seed, 3);
    case 'twiml':
      return '<Response><Say>hello</Say></Response>';
    case 'phone-number':
    case 'endpoint':
      return `+1415555${String(seed % 10_000).padStart(4, '0')}`;
    default:
      return format && /Sid$/.test(format) ? `US${hex(seed).repeat(4)}` : undefined;
  }
}

/** Every `format` a schema names, anywhere in it. */
export function formatsIn(schema: unknown, out = new Set<string>()): Set<string> {
  const stack: unknown[] = [schema];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (typeof record.format === 'string') out.add(record.format);
      for (const [key, value] of Object.entries(record))
        if (
          typeof value === 'object' &&
          value !== null &&
          !key.startsWith('x-') &&
          key !== 'enum' &&
          key !== 'const' &&
          key !== 'default' &&
          key !== 'examples'
        )
          stack.push(value);
    }
  }
  return out;
}

/**
 * Makes every format `schema` names known in `table`: a SID format by its definition, one with no
 * definition accepted as it comes (`true`). Returns the names of the latter.
 */
export function knowFormatsOf(table: FormatTable, schema: unknown): string[] {
  const unchecked: string[] = [];
  for (const name of formatsIn(schema)) {
    if (table[name] !== undefined) continue;
    const check = twilioFormat(name);
    if (check) table[name] = { type: 'string', validate: check };
    else {
      table[name] = true;
      unchecked.push(name);
    }
  }
  return unchecked;
}
