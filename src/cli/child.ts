// A command that loads Pact's native core runs itself again in a child process, whether it is this
// process's command or a call from the suites: the core writes to the process's streams directly
// (only a pipe lets each line through the redactor, and keeps it off the terminal) and blocks its
// own thread (only another process can be stopped at a deadline). The child marks its own lines;
// every other line on its stdout is the native core's, which goes, redacted and without colour
// codes, to a log file (and to the terminal when asked, or from a `showFrom` line onwards).

import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { redact } from '../redact';
import { PROJECT_ROOT } from '../sources/paths';
import type { Io } from './run';

/** Set in the child's environment: it runs the command itself instead of spawning another. */
const CHILD = 'CONFORMANCE_NATIVE_CHILD';
/** Marks the child's own lines. */
const OWN = '\u0001';

export const inChild = (io: Io): boolean => io.env[CHILD] === '1';

/** Each line of a text, marked (a line given to `out` may hold several). */
const mark = (text: string): string => OWN + text.split('\n').join(`\n${OWN}`);

/** In the child: the command's own lines, marked so the parent tells them from the native core's. */
export const markedIo = (io: Io): Io => ({
  ...io,
  out: (line) => io.out(mark(line)),
  err: (line) => io.err(mark(line)),
});

export interface ChildOptions {
  name: string;
  /** The command's bundle in dist/cli (`pact-verify`): what the child runs. */
  bundle: string;
  logFile: string;
  /** Every native line to the terminal as well. */
  showNative: boolean;
  /** From a native line matching this on, up to 200 lines reach the terminal (a readable diff). */
  showFrom?: RegExp;
  /** Stopped after this many seconds: one line, exit 1. */
  deadlineSeconds?: number;
  /** What that line adds when the child is stopped (what to do about what it left). */
  whenStopped?: string;
}

export function runInChild(args: readonly string[], io: Io, o: ChildOptions): Promise<number> {
  // The log is opened at the first line it gets: a child that fails on its flags writes nothing.
  let fd: number | undefined;
  const toLog = (line: string) => {
    if (fd === undefined) {
      mkdirSync(dirname(o.logFile), { recursive: true });
      fd = openSync(o.logFile, 'w');
    }
    writeSync(fd, `${line}\n`);
  };
  let nativeLines = 0;
  let shown: number | undefined;
  return new Promise((resolvePromise) => {
    // As this process's command, the child gets its node flags (a heap limit); called from the
    // suites, none of the test runner's.
    const flags = io.process ? process.execArgv : [];
    // Through bin/cli.mjs, as npm starts a command: with Node's compile cache (the command's bundle
    // and pact-core's modules, parsed again in every child without it).
    const launcher = join(PROJECT_ROOT, 'bin', 'cli.mjs');
    const child = spawn(process.execPath, [...flags, launcher, o.bundle, ...args], {
      env: { ...io.env, [CHILD]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // stdout: own lines to the terminal, the native core's to the log; stderr (errors, one line
    // each) to the terminal and the log.
    const relay = (stream: NodeJS.ReadableStream, write: (line: string) => void, all: boolean) => {
      let rest = '';
      const line = (text: string) => {
        if (text.startsWith(OWN)) return write(text.slice(OWN.length));
        const clean = redact(text);
        if (all) return write(clean);
        const plain = stripVTControlCharacters(clean);
        toLog(plain);
        nativeLines++;
        if (o.showFrom?.test(plain)) shown = 0;
        if (o.showNative) write(clean);
        else if (shown !== undefined && shown++ < 200) write(clean);
      };
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) line(l);
      });
      stream.on('end', () => {
        if (rest) line(rest);
      });
    };
    relay(child.stdout, io.out, false);
    relay(child.stderr, io.err, true);
    let late = false;
    const timer =
      o.deadlineSeconds === undefined
        ? undefined
        : setTimeout(() => {
            late = true;
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 2000).unref();
          }, o.deadlineSeconds * 1000);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (fd !== undefined) closeSync(fd);
      if (nativeLines) io.out(`Pact's output: ${o.logFile}`);
      if (late) {
        io.err(
          `${o.name}: did not finish within --deadline ${o.deadlineSeconds} s; stopped${o.whenStopped ? `; ${o.whenStopped}` : ''}`,
        );
        resolvePromise(1);
      } else resolvePromise(code ?? 1);
    });
  });
}
