// The write-ahead journal of a run that writes. Its first line says where and for whom (account, host,
// tag, the process); before a write is sent, what it is about to do; after, what it made (only what
// the run owns: see ownership.ts) and how to undo it, each answer that was lost, each removal as a
// read showed it gone, each sweep for the run's tag. Appended line by line, never
// rewritten, so a run killed at any point (SIGKILL included) leaves a journal `npm run cleanup` reads.
// A journal is held by its process (a lock file beside it) while it runs: a cleanup leaves a live
// run's journal alone. Every line passes the secret redactor: a provider may echo anything.
// A journal that cannot be written (a full disk) stops the run before the write it would announce;
// what the run made is still undone from memory. A line torn by a kill or a full disk is skipped when
// read, and ended before a cleanup appends to the file.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { readTextFile } from '../fs-read';
import type { Envelope } from '../model/twilio-conventions';
import { redact } from '../redact';
import { PROJECT_ROOT } from '../sources/paths';

export type JournalKind =
  | 'run'
  | 'census'
  | 'intent'
  | 'made'
  | 'lost'
  | 'failed'
  | 'undone'
  | 'sweep'
  | 'done';

export interface JournalEntry {
  kind: JournalKind;
  at: string;
  tag: string;
  /** Pairs a write's intent with its outcome (made, lost or failed). */
  n?: number;
  /** The write about to be sent, or sent (operation id). */
  write?: string;
  path?: string;
  /** What it made: the item's id, the list that shows it. */
  id?: string;
  list?: string;
  /** How to undo it (the write and path that remove it); none when the API has no such operation. */
  undo?: { write: string; method: string; path: string };
  /** How a removal is proven: this path answers 404, or (with id) this list no longer shows the id. */
  gone?: { path: string; id?: string; itemsKey?: string; idField?: string; envelope?: Envelope };
  /** The run entry: where it wrote, for whom, and the process that holds the journal. */
  baseUrl?: string;
  account?: string;
  pid?: number;
  host?: string;
  /** A census or a sweep: whether it read every page of the list. */
  complete?: boolean;
  /** A census: the ids the list showed before the run wrote (never adopted). */
  ids?: string[];
  message?: string;
}

/** Where a run that writes keeps its journal unless told otherwise ($CONFORMANCE_JOURNAL_DIR, else reports/journal); cleanup reads it. */
export const defaultJournalDir = (env: NodeJS.ProcessEnv = process.env): string =>
  resolve(env.CONFORMANCE_JOURNAL_DIR || join(PROJECT_ROOT, 'reports/journal'));

/** A run's tag: what it makes carries it, its journal is named by it. Random for a live run; 31 characters (TAG_ROOM). */
export const runTag = (): string =>
  `conformance-${new Date().toISOString().replace(/[-:T]/g, '').slice(2, 14)}-${randomBytes(3).toString('hex')}`;

/** The tags this suite makes: a live run's (yymmddhhmmss-random), a local run's (by seed), a record's, a verification's. */
export const TAG_SHAPE = /^conformance-(?:\d{12}-[0-9a-f]{6}|local-\d{1,12}|record|pact-local)$/;

/**
 * Whether a value carries a run's tag: at its start or after white space, and not followed by a letter
 * or digit (conformance-local-1 is not in "conformance-local-12 name"; a conversation the run names
 * "<tag>-session_id-0" carries it). Only a tag of a run's shape is ever carried: never an empty one.
 */
export const carriesTag = (value: unknown, tag: string): boolean =>
  TAG_SHAPE.test(tag) &&
  typeof value === 'string' &&
  new RegExp(`(?:^|\\s)${tag}(?![0-9A-Za-z])`).test(value);

/** The journal could not be written: nothing more is sent (exit 2). */
export class JournalError extends UsageError {}

const LOCK = '.lock';

/** Whether a process that holds a lock is alive on this machine. */
function alive(pid: number, host: string | undefined): boolean {
  if (host !== undefined && host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds a journal: the lock's process, when it is alive. */
export function holderOf(file: string): number | undefined {
  try {
    const [pid, host] = readFileSync(`${file}${LOCK}`, 'utf8').trim().split(' ');
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 && alive(n, host) ? n : undefined;
  } catch {
    return undefined;
  }
}

export class Journal {
  private fd: number | undefined;
  private locked = false;
  /** Why the file can no longer be written (a full disk), once it cannot: nothing more is announced. */
  broken?: string;
  /** What this process recorded, in order (the file holds the same, and survives it). */
  readonly entries: JournalEntry[] = [];
  /**
   * Resolves once the run line is on disk: synced while the run's first reads (the census) go out;
   * no write leaves before it has (WriteSession waits for it), and a sync that fails stops writing.
   */
  durable: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    readonly tag: string,
  ) {}

  /** A new journal for a run: its own file (never an existing one), held, its run line first. */
  static start(
    dir: string,
    tag: string,
    run: { baseUrl: string; account?: string; message?: string },
  ): Journal {
    if (!TAG_SHAPE.test(tag))
      throw new JournalError(`journal: refused tag ${JSON.stringify(tag)}: not a run tag`);
    const j = new Journal(join(dir, `${tag}.${randomBytes(4).toString('hex')}.jsonl`), tag);
    j.hold('wx');
    j.record({ kind: 'run', ...run, pid: process.pid, host: hostname() });
    if (j.broken !== undefined) {
      j.close();
      throw new JournalError(`${j.broken}; nothing was sent`);
    }
    return j;
  }

  /** An unfinished journal, held by this process to clean up after its run; undefined while its run is alive. */
  static resume(file: string, tag: string): Journal | undefined {
    if (holderOf(file) !== undefined) return undefined;
    const j = new Journal(file, tag);
    rmSync(`${file}${LOCK}`, { force: true });
    j.hold('a');
    // A line torn by a kill or a full disk is ended, so that what follows stays a line of its own.
    const text = readFileSync(file, 'utf8');
    if (text !== '' && !text.endsWith('\n')) j.append('\n');
    return j;
  }

  private hold(mode: 'wx' | 'a'): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const lock = openSync(`${this.file}${LOCK}`, 'wx');
      this.locked = true;
      writeSync(lock, `${process.pid} ${hostname()}\n`);
      closeSync(lock);
      this.fd = openSync(this.file, mode);
    } catch (error) {
      this.release();
      throw new JournalError(
        `journal ${this.file}: cannot be written (${(error as NodeJS.ErrnoException).code ?? error}); nothing was sent`,
      );
    }
  }

  /**
   * Appends one entry before returning (write-ahead). Each line is handed to the operating system at
   * once (a killed process loses none); the file is synced to disk when the run starts (`durable`,
   * before any write) and when it closes — a sync per line cost a second a run for no process death;
   * each sync runs beside the run's reads rather than stopping it (70 ms each on a loaded disk). Once the file cannot be
   * written (a full disk), entries are kept in memory only, so the run can still undo what it made;
   * an intent then throws JournalError: no write is sent that the journal could not announce.
   */
  record(entry: Omit<JournalEntry, 'at' | 'tag'>): void {
    const full: JournalEntry = { ...entry, at: new Date().toISOString(), tag: this.tag };
    const line = `${redact(JSON.stringify(full))}\n`;
    this.append(line);
    if (full.kind === 'run') this.durable = this.sync();
    if (this.broken !== undefined && entry.kind === 'intent')
      throw new JournalError(`${this.broken}; no further write was sent`);
    this.entries.push(JSON.parse(line) as JournalEntry);
  }

  /** Writes the text whole, or notes why the file can no longer be written. */
  private append(text: string): void {
    if (this.broken !== undefined) return;
    const bytes = Buffer.from(text);
    try {
      if (this.fd === undefined) throw new Error('closed');
      if (writeSync(this.fd, bytes) < bytes.length) throw new Error('short write: the disk is full');
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.broken ??= `journal ${this.file}: cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }

  /** Syncs what was written to disk, off the main thread; a sync that fails breaks the journal. */
  private sync(fd = this.fd): Promise<void> {
    if (fd === undefined || this.broken !== undefined) return Promise.resolve();
    return new Promise((resolve) =>
      fsync(fd, (error) => {
        if (error) this.fail(error);
        resolve();
      }),
    );
  }

  private release(): void {
    if (this.locked) rmSync(`${this.file}${LOCK}`, { force: true });
    this.locked = false;
  }

  /**
   * Released at once (a cleanup may take it); the file is synced and closed while the run judges and
   * writes its reports — the process ends only once that is done. A file that could not be written
   * (a full disk) may not sync either: it is closed all the same.
   */
  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    this.release();
    if (fd === undefined) return;
    if (this.broken !== undefined) closeSync(fd);
    else
      void this.durable
        .then(() => this.sync(fd))
        .then(() => closeSync(fd))
        .catch(() => {});
  }
}

/**
 * A journal file's entries. A line that cannot be read — torn by a kill or a full disk, or damaged —
 * is skipped and described in `damaged` (a cleanup reads every list for the run's tag anyway).
 */
export function readJournal(file: string, damaged: string[] = []): JournalEntry[] {
  const lines = readTextFile(file, 'journal').split('\n');
  const out: JournalEntry[] = [];
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e.kind !== 'string' || typeof e.tag !== 'string') throw new Error('not a journal entry');
      out.push(e);
    } catch (error) {
      const torn = k === lines.length - 1 ? ' (torn: no end of line)' : '';
      damaged.push(`line ${k + 1}${torn}: ${(error as Error).message.slice(0, 80)}`);
    }
  });
  return out;
}

/** What is still to undo, newest first: each made item without an undone entry after it. */
export function pendingUndos(entries: readonly JournalEntry[]): JournalEntry[] {
  const key = (e: JournalEntry) => `${e.undo?.method} ${e.undo?.path}`;
  const open = new Map<string, JournalEntry>();
  for (const e of entries)
    if (e.kind === 'undone') open.delete(key(e));
    else if ((e.kind === 'made' || e.kind === 'lost') && e.undo) {
      open.delete(key(e));
      open.set(key(e), e);
    }
  return [...open.values()].reverse();
}

/** Writes whose answer was lost or ambiguous, or never came (an intent with no outcome: a killed run). */
export function lostWrites(entries: readonly JournalEntry[]): JournalEntry[] {
  const settled = new Set(entries.filter((e) => e.kind !== 'intent' && e.n !== undefined).map((e) => e.n));
  return entries.filter((e) => e.kind === 'lost' || (e.kind === 'intent' && !settled.has(e.n)));
}

/**
 * Whether a write the entries announce may have been carried out: one whose outcome is not `failed`
 * (failed: never sent, its connection never made, or refused with a 4xx).
 */
export function mayHaveWritten(entries: readonly JournalEntry[]): boolean {
  const failed = new Set(entries.flatMap((e) => (e.kind === 'failed' && e.n !== undefined ? [e.n] : [])));
  return entries.some((e) => e.kind === 'intent' && (e.n === undefined || !failed.has(e.n)));
}

export interface FoundJournal {
  file: string;
  entries?: JournalEntry[];
  /** Why it cannot be cleaned up now: unreadable, or held by a live run. */
  skipped?: string;
  /** Lines that could not be read (torn, damaged), skipped. */
  damaged?: string[];
}

/** Journals whose run has not finished cleaning up: in a folder, and those a pointer file names. */
export function openJournals(dirs: readonly string[]): FoundJournal[] {
  const files = new Set<string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl') && n !== POINTERS))
      files.add(join(dir, f));
    for (const f of pointedTo(dir)) files.add(f);
  }
  const out: FoundJournal[] = [];
  for (const file of [...files].sort()) {
    const holder = holderOf(file);
    if (holder !== undefined) {
      out.push({ file, skipped: `held by a running process (pid ${holder})` });
      continue;
    }
    try {
      const damaged: string[] = [];
      const entries = readJournal(file, damaged);
      if (entries.length === 0) out.push({ file, skipped: 'no line of it can be read: not a run journal' });
      else if (!entries.some((e) => e.kind === 'done'))
        out.push({ file, entries, ...(damaged.length ? { damaged } : {}) });
    } catch (error) {
      out.push({ file, skipped: (error as Error).message });
    }
  }
  return out;
}

/** The file in the default journal folder that names journals kept elsewhere (--report-dir, --journal-dir). */
const POINTERS = 'elsewhere.jsonl';

/** Notes where a journal kept outside the default folder is, so a cleanup without --journal-dir finds it. */
export function pointTo(defaultDir: string, file: string): void {
  if (basename(file) === POINTERS || join(defaultDir, basename(file)) === file) return;
  try {
    const fd = openSync(join(defaultDir, POINTERS), 'a');
    writeSync(fd, `${JSON.stringify({ file })}\n`);
    closeSync(fd);
  } catch {
    // The default folder not writable: the command printed at the run's start still names the journal.
  }
}

function pointedTo(dir: string): string[] {
  try {
    return readFileSync(join(dir, POINTERS), 'utf8')
      .split('\n')
      .flatMap((line) => {
        try {
          const f = (JSON.parse(line) as { file?: unknown }).file;
          return typeof f === 'string' && existsSync(f) ? [f] : [];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}
