// Reports and schemas are written whole or not at all: every file goes to a temporary name first,
// and only when all of them are written are they renamed into place. Every file passes the
// redactor: no secret this process holds is ever written.

import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact } from './redact';

export interface OutputFile {
  path: string;
  data: string;
}

export function writeFilesAtomic(files: readonly OutputFile[]): void {
  const suffix = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const written: string[] = [];
  try {
    for (const file of files) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path + suffix, redact(file.data));
      written.push(file.path);
    }
  } catch (error) {
    for (const path of written) rmSync(path + suffix, { force: true });
    throw error;
  }
  for (const path of written) renameSync(path + suffix, path);
}

export const writeFileAtomic = (path: string, data: string): void => writeFilesAtomic([{ path, data }]);

export const stableJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
