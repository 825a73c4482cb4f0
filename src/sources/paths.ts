// Where the sources are read from: every `*.docs.txt` page in the sources folder (or each --docs
// FILE given), and the OpenAPI spec. A flag wins over an environment variable, which wins over
// ../shared/sources next to the project. A missing source is named in one line.

import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTextFile } from '../fs-read';

/** The project's folder: the nearest one above this module with a package.json (src/ or a bundle in dist/). */
export const PROJECT_ROOT = ((): string => {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
export const DEFAULT_SOURCES_DIR = resolve(PROJECT_ROOT, '../shared/sources');
export const DOCS_SUFFIX = '.docs.txt';
export const SPEC_FILE = 'twilio_assistants_v1.openapi.json';

export interface SourcePaths {
  /** Every docs page, in name order. */
  docs: string[];
  spec: string;
}

export interface SourceFlags {
  docs?: string[];
  spec?: string;
}

export function sourcesDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TWILIO_SOURCES_DIR || DEFAULT_SOURCES_DIR);
}

/** The docs pages of a folder: every file ending in .docs.txt, sorted; none when the folder is absent. */
export function docsPagesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(DOCS_SUFFIX))
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile());
}

/** --docs (repeatable) wins over TWILIO_DOCS_PAGE (one file, or several joined by the path delimiter) and the folder. */
export function sourcePaths(flags: SourceFlags = {}, env: NodeJS.ProcessEnv = process.env): SourcePaths {
  const dir = sourcesDir(env);
  const fromEnv = env.TWILIO_DOCS_PAGE ? env.TWILIO_DOCS_PAGE.split(/[:;]/).filter(Boolean) : undefined;
  const docs = (flags.docs?.length ? flags.docs : (fromEnv ?? docsPagesIn(dir))).map((p) => resolve(p));
  return {
    docs,
    spec: resolve(flags.spec ?? (env.TWILIO_OPENAPI_SPEC || join(dir, SPEC_FILE))),
  };
}

export function readSource(path: string, what: string): string {
  return readTextFile(path, what);
}

/** For suites: the reason to skip when a source is absent, else undefined. */
export function missingSourceReason(paths: SourcePaths = sourcePaths()): string | undefined {
  // The spec first: when the whole sources folder is absent, that is what the reason names.
  const unreadable = (what: string, path: string): string | undefined => {
    try {
      accessSync(path, constants.R_OK);
      return undefined;
    } catch {
      return `needs the ${what} at ${path} (set TWILIO_SOURCES_DIR to point at a copy)`;
    }
  };
  const spec = unreadable('openapi spec', paths.spec);
  if (spec) return spec;
  if (paths.docs.length === 0) return `needs a *${DOCS_SUFFIX} page beside the spec (set TWILIO_SOURCES_DIR)`;
  for (const d of paths.docs) {
    const page = unreadable('docs page', d);
    if (page) return page;
  }
  return undefined;
}
