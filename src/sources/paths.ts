// Where the sources are read from: every `*.docs.txt` page in the sources folder (or each --docs
// FILE or DIR given), and the OpenAPI spec (a file or a URL). A flag wins over an environment
// variable, which wins over ../shared/sources next to the project. A missing source is named in one
// line. Pages found in the sources folder (not named) are the folder's: the model keeps those of the
// spec's API only (src/model/build.ts), so one folder can hold several products' pages.

import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors';
import { readTextFile } from '../fs-read';
import { isSpecUrl, SPEC_FILE } from './spec';

/** The project's folder: the nearest one above this module with a package.json (src/ or a bundle in dist/). */
export const PROJECT_ROOT = ((): string => {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
/** The suite's own name and version, from its package.json (reports and verification results name it). */
export const toolPackage = (): { name: string; version: string } =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
export const DEFAULT_SOURCES_DIR = resolve(PROJECT_ROOT, '../shared/sources');
export const DOCS_SUFFIX = '.docs.txt';

export interface SourcePaths {
  /** Every docs page, in name order. */
  docs: string[];
  /** A file path, or an http(s) URL. */
  spec: string;
  /** The pages were found in the sources folder, not named (--docs, TWILIO_DOCS_PAGE). */
  docsFromFolder?: boolean;
}

export interface SourceFlags {
  /** Files or folders (every *.docs.txt page in a folder). */
  docs?: string[];
  /** A file or an http(s) URL. */
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

/**
 * --docs (repeatable; a file, or a folder of *.docs.txt pages) wins over TWILIO_DOCS_PAGE (one
 * file, or several joined by the path delimiter) and the folder. A folder named that holds no page
 * is one line.
 */
export function sourcePaths(flags: SourceFlags = {}, env: NodeJS.ProcessEnv = process.env): SourcePaths {
  const dir = sourcesDir(env);
  const fromEnv = env.TWILIO_DOCS_PAGE ? env.TWILIO_DOCS_PAGE.split(/[:;]/).filter(Boolean) : undefined;
  const named = flags.docs?.length ? flags.docs : fromEnv;
  const docs = named ? named.flatMap((p) => pagesOf(resolve(p))) : docsPagesIn(dir);
  const spec = flags.spec ?? (env.TWILIO_OPENAPI_SPEC || join(dir, SPEC_FILE));
  return { docs, spec: isSpecUrl(spec) ? spec : resolve(spec), ...(named ? {} : { docsFromFolder: true }) };
}

/** A named page, or every page of a named folder (none there is one line). */
function pagesOf(path: string): string[] {
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    return [path];
  }
  if (!folder) return [path];
  const pages = docsPagesIn(path);
  if (pages.length === 0) throw new UsageError(`--docs ${path}: no *${DOCS_SUFFIX} page in this folder`);
  return pages;
}

export function readSource(path: string, what: string): string {
  return readTextFile(path, what);
}

/** For suites: the reason to skip when a source is absent (the spec alone, or with a page), else undefined. */
export function missingSourceReason(
  paths: SourcePaths = sourcePaths(),
  needs: 'spec' | 'spec and a page' = 'spec and a page',
): string | undefined {
  // The spec first: when the whole sources folder is absent, that is what the reason names.
  const unreadable = (what: string, path: string, hint: string): string | undefined => {
    try {
      accessSync(path, constants.R_OK);
      return undefined;
    } catch {
      return `needs the ${what} at ${path} (${hint}; TWILIO_SOURCES_DIR points at another copy)`;
    }
  };
  const spec = isSpecUrl(paths.spec)
    ? undefined
    : unreadable('openapi spec', paths.spec, 'bash .ci/sources fetches it');
  if (spec || needs === 'spec') return spec;
  if (paths.docs.length === 0)
    return `needs a *${DOCS_SUFFIX} page beside the spec in ${dirname(paths.spec)} (sources/README.md says how to capture one)`;
  for (const d of paths.docs) {
    const page = unreadable('docs page', d, 'sources/README.md says how to capture one');
    if (page) return page;
  }
  return undefined;
}
