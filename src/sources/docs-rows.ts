// One row of a property table in a captured Twilio docs page. In the capture a row looks like
//
//   account_sidSID<AC>            name and type run together (sometimes with `required` too)
//   Optional                      Required / Optional
//   Not PII                       (optional) PII marker
//   The SID of the Account …      description, one or more paragraphs
//   Pattern: ^AC…$Min length: 34  constraint lines, labels run together
//
// The name/type split is done by Twilio's type grammar (TYPE_NOTATION), never by known names.

import { parseTypeNotation, type TwilioType, TYPE_NOTATION } from './twilio-types';

export interface Constraints {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: string;
  enum?: string[];
}

export interface DocsField {
  name: string;
  /** The name as the page printed it, when the model spells it otherwise (a camelCase page's accountSid). */
  printed?: string;
  type: TwilioType;
  required: boolean;
  pii?: string;
  description: string;
  constraints: Constraints;
  /** 1-based line of the row's name/type line. */
  line: number;
}

const ROW_START = new RegExp(`^([A-Za-z_][A-Za-z0-9_.\\-]*?)(${TYPE_NOTATION})(required|optional)?$`, 'i');
const REQUIREDNESS = /^(required|optional)$/i;
const PII = /^(not pii|pii\b.*)$/i;

// Constraint labels of the docs layout, in the spelling the page prints.
const CONSTRAINT_LABELS: Record<string, keyof Constraints> = {
  Pattern: 'pattern',
  'Min length': 'minLength',
  'Max length': 'maxLength',
  Minimum: 'minimum',
  Maximum: 'maximum',
  'Min items': 'minItems',
  'Max items': 'maxItems',
  Default: 'default',
  'Possible values': 'enum',
};
const LABEL_AT = new RegExp(`(${Object.keys(CONSTRAINT_LABELS).join('|')}):\\s*`, 'g');
const CONSTRAINT_LINE = new RegExp(`^(${Object.keys(CONSTRAINT_LABELS).join('|')}):`);

export interface RowStart {
  name: string;
  type: TwilioType;
  requiredSuffix?: boolean;
}

/** The name/type line of a row, if this line is one (the caller confirms by what follows). */
export function matchRowStart(text: string): RowStart | undefined {
  const m = ROW_START.exec(text.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const type = parseTypeNotation(m[2].replace(/^(sid)/i, 'SID'));
  if (!type) return undefined;
  const start: RowStart = { name: m[1], type };
  if (m[3]) start.requiredSuffix = m[3].toLowerCase() === 'required';
  return start;
}

export const isRequiredness = (text: string): boolean => REQUIREDNESS.test(text.trim());
export const isPiiMarker = (text: string): boolean => PII.test(text.trim());
export const isConstraintLine = (text: string): boolean => CONSTRAINT_LINE.test(text.trim());

/** A row start is confirmed by a Required/Optional line (or suffix) before any other text. */
export function confirmedRowStart(lines: readonly string[], index: number): RowStart | undefined {
  const start = matchRowStart(lines[index] ?? '');
  if (!start) return undefined;
  if (start.requiredSuffix !== undefined) return start;
  for (let j = index + 1; j < lines.length; j++) {
    const text = (lines[j] ?? '').trim();
    if (text === '') continue;
    return isRequiredness(text) ? start : undefined;
  }
  return undefined;
}

export class ConstraintError extends Error {}

/**
 * Parses one constraint line such as `Pattern: ^AC[0-9a-fA-F]{32}$Min length: 34Max length: 34`
 * into `target`. Values are cut where the next known label begins.
 */
export function parseConstraintLine(text: string, target: Constraints): void {
  const marks = [...text.matchAll(LABEL_AT)];
  marks.forEach((mark, k) => {
    const label = mark[1] as string;
    const from = (mark.index ?? 0) + mark[0].length;
    const to = marks[k + 1]?.index ?? text.length;
    const raw = text.slice(from, to).trim();
    const key = CONSTRAINT_LABELS[label] as keyof Constraints;
    if (key === 'pattern') {
      try {
        new RegExp(raw, 'u');
      } catch {
        throw new ConstraintError(`constraint "${label}" is not a valid regular expression: "${raw}"`);
      }
      target.pattern = raw;
    } else if (key === 'default') {
      target[key] = raw;
    } else if (key === 'enum') {
      target.enum = raw === '' ? [] : splitValues(raw);
    } else {
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value)) {
        throw new ConstraintError(`constraint "${label}" has no number: "${raw}"`);
      }
      target[key] = value;
    }
  });
}

/** A word of a row's description that could be a value: letters and digits, joined by - _ . + : */
const VALUE_WORD = /[A-Za-z0-9](?:[A-Za-z0-9_.+:-]*[A-Za-z0-9])?/g;

/**
 * The row's possible values, with those a capture printed run together told apart: the newer pages
 * show each value as a chip, and captured as text they come out as one word ("activesuspendedclosed").
 * They are split by the words of the row's own description ("Usually active, but can be suspended or
 * closed"); a value that is one of those words, or that they cannot make up whole, stays as printed.
 */
export function withValuesApart(constraints: Constraints, description: string): Constraints {
  if (!constraints.enum?.length) return constraints;
  const words = new Set(description.match(VALUE_WORD) ?? []);
  const values = constraints.enum.flatMap((v) => (words.has(v) ? [v] : (splitByWords(v, words) ?? [v])));
  return { ...constraints, enum: values };
}

/** The fewest words that make up `run` whole (at least two), else undefined. */
function splitByWords(run: string, words: ReadonlySet<string>): string[] | undefined {
  const best: Array<string[] | undefined> = [[]];
  for (let end = 1; end <= run.length; end++) {
    for (let start = 0; start < end; start++) {
      const head = best[start];
      const word = run.slice(start, end);
      const known = best[end];
      if (head && words.has(word) && (!known || head.length + 1 < known.length)) best[end] = [...head, word];
    }
  }
  const parts = best[run.length];
  return parts && parts.length > 1 ? parts : undefined;
}

export function splitValues(raw: string): string[] {
  return raw
    .split(/[,\s]+/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}
