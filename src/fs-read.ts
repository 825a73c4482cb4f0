// Reading the files users give the suite (cassettes, sources, baselines, pacts, schemas, journals):
// only regular files, only up to a bound, so a symlink to /dev/zero, a FIFO or a runaway file is one
// line and exit 2, never a hang or gigabytes in memory.

import { readFileSync, statSync } from 'node:fs';
import { UsageError } from './errors';

/** The largest input file read (64 MiB: far above any spec, cassette or pact this suite makes). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export function readTextFile(path: string, what: string, maxBytes = MAX_INPUT_BYTES): string {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${what} ${path}: is a directory`);
    if (!st.isFile()) throw new UsageError(`${what} ${path}: not a regular file`);
    size = st.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${path}: ${code === 'ENOENT' ? 'not found' : (code ?? 'unreadable')}`);
  }
  if (size > maxBytes) throw new UsageError(`${what} ${path}: ${size} bytes, more than the ${maxBytes} read`);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}
