// Heavy dependencies loaded on first use, so a command pays only for what it runs (`--list-checks`
// never loads fast-check).

import { createRequire } from 'node:module';
import type * as FastCheck from 'fast-check';

const require = createRequire(import.meta.url);
let fastCheckModule: typeof FastCheck | undefined;

export function fastCheck(): typeof FastCheck {
  fastCheckModule ??= require('fast-check') as typeof FastCheck;
  return fastCheckModule;
}
