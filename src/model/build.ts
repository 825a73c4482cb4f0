// sources → model: the spec's operations and every docs page's, joined by path shape, then linked:
// which list supplies each path parameter (the list at the path's prefix, else the spec's
// x-twilio.parent), and which fetch pairs with which list.

import { UsageError } from '../errors';
import { type DocsPage, parseDocsPage } from '../sources/docs-page';
import { readSource, type SourcePaths } from '../sources/paths';
import { operationsFromDocs } from './docs';
import type { JsonSchema } from './json-schema';
import { operationsFromOpenApi } from './openapi';
import { type ApiModel, instanceSchema, type Operation, ORIGINS, pathShape } from './operation';
import { twilioErrorSchema, withUnsetStrings } from './twilio-conventions';
import { linkWrites } from './writes';

export interface BuiltModel {
  model: ApiModel;
  pages: DocsPage[];
  specFile?: string;
}

export function parseSpecText(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`openapi spec ${path}: not valid JSON (${(error as Error).message})`);
  }
}

/** Reads and parses every source, then builds the model. */
export function buildModelFromSources(paths: SourcePaths): BuiltModel {
  const pages = paths.docs.map((file) => parseDocsPage(readSource(file, 'docs page'), file));
  const spec = parseSpecText(readSource(paths.spec, 'openapi spec'), paths.spec);
  return { model: buildModel({ spec, specFile: paths.spec, pages }), pages, specFile: paths.spec };
}

export function buildModel(input: {
  spec?: unknown;
  specFile?: string;
  pages?: readonly DocsPage[];
}): ApiModel {
  const fromSpec =
    input.spec === undefined ? undefined : operationsFromOpenApi(input.spec, input.specFile ?? 'spec');
  const operations: Operation[] = fromSpec ? fromSpec.operations.map((o) => ({ ...o })) : [];
  for (const page of input.pages ?? []) {
    for (const docsOp of operationsFromDocs(page)) {
      const same = operations.find((o) => pathShape(o.path) === pathShape(docsOp.path));
      if (!same) {
        operations.push(docsOp);
        continue;
      }
      if (same.schemas.docs) {
        throw new UsageError(
          `${page.file}: GET ${docsOp.path} is described by two docs pages; drop one of them`,
        );
      }
      same.schemas.docs = docsOp.schemas.docs;
      if (docsOp.examples?.length) same.examples = [...(same.examples ?? []), ...docsOp.examples];
      same.itemsKey ??= docsOp.itemsKey;
    }
  }
  link(operations);
  for (const op of operations)
    for (const s of Object.values(op.schemas)) if (s) s.response = withUnsetStrings(s.response);
  const writes = linkWrites(fromSpec?.writes ?? [], operations).map((w) =>
    w.response ? { ...w, response: withUnsetStrings(w.response) } : w,
  );
  return { operations, writes, error: fromSpec?.error ?? twilioErrorSchema() };
}

/** Parents, pairs and identifying fields: what the run needs to reach every operation. */
function link(operations: Operation[]): void {
  const lists = operations.filter((o) => o.kind === 'list');
  for (const list of lists) {
    const field = identifyingField(list, operations);
    if (field) list.idField = field;
  }
  for (const op of operations) {
    const segments = op.path.split('/');
    op.pathParams = op.pathParams.map((param) => {
      const at = segments.indexOf(`{${param.name}}`);
      const prefix = pathShape(segments.slice(0, at).join('/'));
      const list = lists.find((l) => pathShape(l.path) === prefix && l !== op);
      if (!list?.idField) return { name: param.name };
      return { name: param.name, from: { operation: list.id, field: list.idField } };
    });
    if (op.kind === 'instance') {
      const list = lists.find((l) => pathShape(`${l.path}/{}`) === pathShape(op.path));
      if (list) {
        op.pairsWith = list.id;
        list.pairsWith = op.id;
      }
    }
  }
}

/**
 * The item field that identifies a list's items: the one the paired fetch's last path parameter
 * names, else id or sid; none when the items have neither (they are then told apart by content).
 */
function identifyingField(list: Operation, operations: readonly Operation[]): string | undefined {
  const fields = new Set<string>();
  for (const origin of ORIGINS)
    for (const name of Object.keys(instanceSchema(list, origin)?.properties ?? {})) fields.add(name);
  const fetch = operations.find(
    (o) => o.kind === 'instance' && pathShape(o.path) === pathShape(`${list.path}/{}`),
  );
  const last = fetch?.pathParams.at(-1)?.name;
  if (last && fields.has(last)) return last;
  return ['id', 'sid'].find((f) => fields.has(f));
}

export type { JsonSchema };
