// Heavy dependencies loaded on first use, so a command pays only for what it runs (`--list-checks`
// never loads fast-check; a JSON spec never loads yaml).

import { createRequire } from 'node:module';
import type * as FastCheck from 'fast-check';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);
let fastCheckModule: typeof FastCheck | undefined;

export function fastCheck(): typeof FastCheck {
  fastCheckModule ??= require('fast-check') as typeof FastCheck;
  return fastCheckModule;
}

let yamlModule: typeof Yaml | undefined;

/** The YAML parser: only a spec written in YAML needs it (every shipped source is JSON). */
export function yaml(): typeof Yaml {
  yamlModule ??= require('yaml') as typeof Yaml;
  return yamlModule;
}
