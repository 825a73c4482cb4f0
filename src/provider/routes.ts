// Which operation a request names: its method and path matched against the model's path templates,
// with the path values decoded.

import { decodeSegment } from '../json';
import { type Operation, pathMatcher } from '../model/operation';
import type { WriteOperation } from '../model/writes';
import type { Contract } from '../schemas/contract';

type Values = Record<string, string>;

const valuesOf = (names: readonly { name: string }[], m: RegExpExecArray): Values =>
  Object.fromEntries(names.map((p, k) => [p.name, decodeSegment(m[k + 1] ?? '')]));

export class Routes {
  private readonly reads: Array<{ op: Operation; re: RegExp }>;
  private readonly writes: Array<{ w: WriteOperation; re: RegExp }>;

  constructor(contract: Contract) {
    this.reads = contract.operations.map((op) => ({ op, re: pathMatcher(op.path) }));
    this.writes = contract.writes.map((w) => ({ w, re: pathMatcher(w.path) }));
  }

  read(pathname: string): { op: Operation; values: Values } | undefined {
    for (const { op, re } of this.reads) {
      const m = re.exec(pathname);
      if (m) return { op, values: valuesOf(op.pathParams, m) };
    }
    return undefined;
  }

  /** The write of this method at this path; 'other-method' when the path is known with other methods only. */
  write(
    method: string,
    pathname: string,
  ): { write: WriteOperation; values: Values } | 'other-method' | undefined {
    let known = false;
    for (const { w, re } of this.writes) {
      const m = re.exec(pathname);
      if (!m) continue;
      if (w.method === method) return { write: w, values: valuesOf(w.pathParams, m) };
      known = true;
    }
    return known || this.read(pathname) ? 'other-method' : undefined;
  }
}
