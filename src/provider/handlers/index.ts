// One handler per operation shape, behind the steps every operation shares: a read is
// authenticated, its path's items must exist, then its list or fetch handler answers; a write's
// path items must exist and its body pass the body step before its action's handler runs.

import type { WriteAction } from '../../model/writes';
import { acceptBody } from '../body';
import type { AcceptedWrite, Handler, ReadCall, WriteCall } from '../call';
import { type Answer, notFound, unauthorized } from '../http';
import { attachHandler, detachHandler } from './attach';
import { createHandler } from './create';
import { deleteHandler } from './delete';
import { fetchHandler } from './fetch';
import { listHandler } from './list';
import { sendHandler } from './send';
import { updateHandler } from './update';

const WRITES: Record<WriteAction, (call: AcceptedWrite) => Answer> = {
  create: createHandler,
  update: updateHandler,
  delete: deleteHandler,
  attach: attachHandler,
  detach: detachHandler,
  send: sendHandler,
};

function read(call: ReadCall): Answer {
  if (!call.authorised) return unauthorized();
  if (!call.store.exists(call.op, call.values)) return notFound(call.op.path);
  return call.op.kind === 'list' ? listHandler(call) : fetchHandler(call);
}

function write(call: WriteCall): Answer {
  if (!call.store.exists(call.write, call.values)) return notFound(call.url.pathname);
  const accepted = acceptBody(call);
  return 'response' in accepted ? accepted : WRITES[call.write.action](accepted);
}

/** The whole handling of an operation: what a fault's wrap wraps. */
export const handle: Handler = (call) => (call.kind === 'read' ? read(call) : write(call));
