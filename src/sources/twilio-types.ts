// Twilio's type notation as its docs pages print it: `string`, `string<date-time>`, `SID<AC>`,
// `enum<string>`, `integer`, `array[SID<CA>]`, … A vocabulary of base words plus an optional
// `<argument>`, optionally wrapped in `array[…]`. Field names are never part of this grammar.

const BASE_WORDS = [
  'string',
  'integer',
  'number',
  'boolean',
  'object',
  'array',
  'enum',
  'SID',
  'null',
] as const;
type BaseWord = (typeof BASE_WORDS)[number];

const SIMPLE = `(?:${BASE_WORDS.join('|')})(?:<[^<>\\s\\[\\]]+>)?`;
/** Source of a regex matching one type notation (no anchors). */
export const TYPE_NOTATION = `(?:array\\[${SIMPLE}\\]|${SIMPLE})`;

export interface TwilioType {
  notation: string;
  base: BaseWord;
  argument?: string;
  items?: TwilioType;
}

export function parseTypeNotation(notation: string): TwilioType | undefined {
  const array = /^array\[(.+)\]$/.exec(notation);
  if (array?.[1]) {
    const items = parseTypeNotation(array[1]);
    return items && !items.items ? { notation, base: 'array', items } : undefined;
  }
  const simple = /^([A-Za-z]+)(?:<([^<>\s[\]]+)>)?$/.exec(notation);
  if (!simple) return undefined;
  const base = simple[1] as BaseWord;
  if (!BASE_WORDS.includes(base)) return undefined;
  return simple[2] === undefined ? { notation, base } : { notation, base, argument: simple[2] };
}
