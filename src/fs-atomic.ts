// Reports and schemas are written whole or not at all: every file goes to a temporary name first,
// and only when all of them are written are they renamed into place. Every file passes the
// redactor: no secret this process holds is ever written.

import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './errors';
import { redact } from './redact';

export interface OutputFile {
  path: string;
  data: string;
}

export function writeFilesAtomic(files: readonly OutputFile[]): void {
  const suffix = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const written: string[] = [];
  let current = '';
  try {
    for (const file of files) {
      current = file.path;
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path + suffix, redact(file.data));
      written.push(file.path);
    }
  } catch (error) {
    // Nothing half-written stays behind: the temporary files, the one being written included, go.
    for (const path of [...written, current]) rmSync(path + suffix, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EROFS' || code === 'EACCES'
          ? 'the folder is read-only'
          : (code ?? (error as Error).message);
    throw new UsageError(
      `could not write ${current}: ${why}${code && !why.includes(code) ? ` (${code})` : ''}; nothing was written`,
    );
  }
  for (const path of written) renameSync(path + suffix, path);
}

export const writeFileAtomic = (path: string, data: string): void => writeFilesAtomic([{ path, data }]);

export const stableJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** The report folder exists (or is created) and takes a file, before any request is sent. */
export function assertWritableDir(dir: string, flag: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${dir}: not a writable folder (${code ?? (error as Error).message})`);
  }
}
