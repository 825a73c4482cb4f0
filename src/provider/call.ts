// One request as the reference provider's handlers see it: the operation it resolved to, the path
// values, the store, and the fault switched on for that operation (if any). A handler turns a call
// into an answer; a fault may wrap it (src/provider/faults/).

import type { Operation } from '../model/operation';
import type { WriteOperation } from '../model/writes';
import type { Bends } from './faults/bends';
import type { Answer } from './http';
import type { Store } from './store';

interface CallBase {
  store: Store;
  /** The path parameters' values, decoded. */
  values: Record<string, string>;
  url: URL;
  /** The origin links are built on (the request's Host). */
  base: string;
  /** Whether the request's credentials are accepted (a fault may wave them through). */
  authorised: boolean;
  /** How the fault switched on for this operation bends its handler. */
  fault?: Bends;
  /** How the fault switched on bends a read, if it does (a write's answer shows its fetch). */
  faultFor(op: Operation): Bends | undefined;
}

export interface ReadCall extends CallBase {
  kind: 'read';
  op: Operation;
}

export interface WriteCall extends CallBase {
  kind: 'write';
  write: WriteOperation;
  /** The body as sent, and its content type. */
  raw: string;
  contentType: string;
  /** The decoded, validated body (set by the body step before the write's handler runs). */
  body?: unknown;
}

export type Call = ReadCall | WriteCall;
export type Handler<C extends Call = Call> = (call: C) => Answer;

/** What a write's own handler gets: a call whose body passed validation. */
export type AcceptedWrite = WriteCall & { body: unknown };
