// Where the docs page and the OpenAPI spec are read from: a flag, else an environment variable,
// else ../shared/sources next to the project. Missing sources are named in one line.

import { accessSync, constants, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const DEFAULT_SOURCES_DIR = resolve(PROJECT_ROOT, '../shared/sources');
export const DOCS_FILE = 'sessions-resource.docs.txt';
export const SPEC_FILE = 'twilio_assistants_v1.openapi.json';

export interface SourcePaths {
  docs: string;
  spec: string;
}

/** Flags win over TWILIO_DOCS_PAGE / TWILIO_OPENAPI_SPEC, which win over TWILIO_SOURCES_DIR. */
export function sourcePaths(
  flags: Partial<SourcePaths> = {},
  env: NodeJS.ProcessEnv = process.env,
): SourcePaths {
  const dir = env.TWILIO_SOURCES_DIR || DEFAULT_SOURCES_DIR;
  return {
    docs: resolve(flags.docs ?? (env.TWILIO_DOCS_PAGE || join(dir, DOCS_FILE))),
    spec: resolve(flags.spec ?? (env.TWILIO_OPENAPI_SPEC || join(dir, SPEC_FILE))),
  };
}

export function readSource(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
    throw new UsageError(`${what} ${path}: ${why}`);
  }
}

/** For suites: the reason to skip when a source is absent, else undefined. */
export function missingSourceReason(paths: SourcePaths = sourcePaths()): string | undefined {
  for (const [what, path] of Object.entries(paths)) {
    try {
      accessSync(path, constants.R_OK);
    } catch {
      return `needs the ${what} source at ${path} (set TWILIO_SOURCES_DIR to point at a copy)`;
    }
  }
  return undefined;
}
