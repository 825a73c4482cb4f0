// The write-ahead journal of a run that writes: before a write is sent, what it is about to do and
// the run's tag; after, the id it made; each undo as it happens. Appended and flushed line by line,
// so a run killed at any point (SIGKILL included) leaves a journal that `npm run cleanup` reads to
// remove exactly what that run made, and nothing else. It holds ids, paths and the tag, never a
// credential.

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors';
import { readTextFile } from '../fs-read';

export type JournalKind = 'run' | 'intent' | 'made' | 'undone' | 'failed' | 'done';

export interface JournalEntry {
  kind: JournalKind;
  at: string;
  tag: string;
  /** The write about to be sent, or sent (operation id). */
  write?: string;
  /** The path the write was sent to. */
  path?: string;
  /** What it made: the item's id, the list that shows it. */
  id?: string;
  list?: string;
  /** How to undo it (the write and path that remove it); none when the API has no such operation. */
  undo?: { write: string; method: string; path: string };
  /** A run entry: where it wrote. */
  baseUrl?: string;
  account?: string;
  message?: string;
}

/** What is still to undo, newest first: each made item without its undone entry. */
export function pendingUndos(entries: readonly JournalEntry[]): JournalEntry[] {
  const undone = new Set(
    entries.filter((e) => e.kind === 'undone').map((e) => `${e.undo?.method} ${e.undo?.path}`),
  );
  return entries
    .filter((e) => e.kind === 'made' && e.undo && !undone.has(`${e.undo.method} ${e.undo.path}`))
    .reverse();
}

/** Intents no "made" entry followed: the run may have made something it never heard about. */
export function unansweredIntents(entries: readonly JournalEntry[]): JournalEntry[] {
  const out: JournalEntry[] = [];
  entries.forEach((e, k) => {
    if (e.kind !== 'intent') return;
    const next = entries
      .slice(k + 1)
      .find((x) => x.write === e.write && x.path === e.path && x.kind !== 'intent');
    if (!next) out.push(e);
  });
  return out;
}

export class Journal {
  private fd: number | undefined;
  /** What this process recorded, in order (the file holds the same, and survives it). */
  readonly entries: JournalEntry[] = [];

  constructor(
    readonly file: string,
    readonly tag: string,
    /** Append to an existing journal (cleanup); a run starts its own afresh. */
    private readonly append = false,
  ) {}

  /** A file of its own for each run, whatever its tag (runs of the reference provider share one). */
  static fileFor(dir: string, tag: string): string {
    return join(dir, `${tag}.${randomBytes(4).toString('hex')}.jsonl`);
  }

  /** Appends one entry and flushes it to disk before returning (write-ahead). */
  record(entry: Omit<JournalEntry, 'at' | 'tag'>): void {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, this.append ? 'a' : 'w');
    }
    const full: JournalEntry = { ...entry, at: new Date().toISOString(), tag: this.tag };
    writeSync(this.fd, `${JSON.stringify(full)}\n`);
    fsyncSync(this.fd);
    this.entries.push(full);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A journal file's entries; a torn last line (a run killed mid-write) is skipped, anything else malformed is one line, exit 2. */
export function readJournal(file: string): JournalEntry[] {
  const text = readTextFile(file, 'journal');
  const lines = text.split('\n');
  const out: JournalEntry[] = [];
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e.kind !== 'string' || typeof e.tag !== 'string') throw new Error('not a journal entry');
      out.push(e);
    } catch (error) {
      if (k === lines.length - 1) return; // torn by a kill mid-write: the entry before it holds
      throw new UsageError(`journal ${file}:${k + 1}: ${(error as Error).message}`);
    }
  });
  return out;
}

/** Every journal in a folder whose run has not finished cleaning up, with its entries. */
export function openJournals(dir: string): Array<{ file: string; entries: JournalEntry[] }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => ({ file: join(dir, f), entries: readJournal(join(dir, f)) }))
    .filter((j) => !j.entries.some((e) => e.kind === 'done'));
}
