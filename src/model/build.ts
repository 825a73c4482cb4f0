// sources → model: the spec's operations and every docs page's, reads and writes, joined by method
// and path shape (each source's schemas kept apart, a write's also merged for bodies and the
// provider), then linked: which list supplies each path parameter (the list at the path's prefix,
// else the spec's x-twilio.parent), and which fetch pairs with which list.

import { UsageError } from '../errors';
import { type DocsPage, parseDocsPage } from '../sources/docs-page';
import { readSource, type SourcePaths } from '../sources/paths';
import { operationsFromDocs, type StatedWrite } from './docs';
import { type JsonSchema, mergeSilent } from './json-schema';
import { operationsFromOpenApi, type SpecWrite } from './openapi';
import { type ApiModel, instanceSchema, type Operation, ORIGINS, pathShape } from './operation';
import { twilioErrorSchema, withUnsetStrings } from './twilio-conventions';
import { linkWrites, type WriteOperation, type WriteSchemas } from './writes';

export interface BuiltModel {
  model: ApiModel;
  pages: DocsPage[];
  specFile?: string;
  /** One line per operation a page documents that the model could not use, saying why. */
  unused: string[];
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
  const unused: string[] = [];
  const model = buildModel({ spec, specFile: paths.spec, pages, unused });
  return { model, pages, specFile: paths.spec, unused };
}

export function buildModel(input: {
  spec?: unknown;
  specFile?: string;
  pages?: readonly DocsPage[];
  /** Collects what a page documents that the model could not use. */
  unused?: string[];
}): ApiModel {
  const fromSpec =
    input.spec === undefined ? undefined : operationsFromOpenApi(input.spec, input.specFile ?? 'spec');
  const operations: Operation[] = fromSpec ? fromSpec.operations.map((o) => ({ ...o })) : [];
  const writes: StatedWrite[] = (fromSpec?.writes ?? []).map(specSources);
  for (const page of input.pages ?? []) {
    const docs = operationsFromDocs(page);
    input.unused?.push(...docs.unused);
    for (const docsOp of docs.reads) joinRead(operations, docsOp, page.file);
    for (const docsWrite of docs.writes) joinWrite(writes, docsWrite, page.file);
  }
  link(operations);
  for (const op of operations)
    for (const s of Object.values(op.schemas)) if (s) s.response = withUnsetStrings(s.response);
  const linked = linkWrites(writes.map(merged), operations).map(withUnsetAnswers);
  return { operations, writes: linked, error: fromSpec?.error ?? twilioErrorSchema() };
}

/** A write's answer, merged and per source, takes Twilio's unset strings (null) as a read's does. */
function withUnsetAnswers(w: WriteOperation): WriteOperation {
  const sources = w.sources
    ? Object.fromEntries(
        Object.entries(w.sources).map(([o, s]) => [
          o,
          s.response ? { ...s, response: withUnsetStrings(s.response) } : s,
        ]),
      )
    : undefined;
  return {
    ...w,
    ...(w.response ? { response: withUnsetStrings(w.response) } : {}),
    ...(sources ? { sources } : {}),
  };
}

/** A docs page's GET joined to the spec's operation of the same path shape (or added when none). */
function joinRead(operations: Operation[], docsOp: Operation, file: string): void {
  const same = operations.find((o) => pathShape(o.path) === pathShape(docsOp.path));
  if (!same) {
    operations.push(docsOp);
    return;
  }
  if (same.schemas.docs)
    throw new UsageError(`${file}: GET ${docsOp.path} is described by two docs pages; drop one of them`);
  same.schemas.docs = docsOp.schemas.docs;
  if (docsOp.examples?.length) same.examples = [...(same.examples ?? []), ...docsOp.examples];
  same.itemsKey ??= docsOp.itemsKey;
}

/** The spec's write with what the spec says kept apart, as one source among others. */
function specSources(w: SpecWrite): StatedWrite {
  const own: WriteSchemas = {
    ...(w.request ? { request: w.request } : {}),
    ...(w.response ? { response: w.response } : {}),
    statuses: w.statuses,
  };
  return { ...w, sources: { openapi: own } };
}

/** A docs page's write joined to the spec's of the same method and path shape (or added when none). */
function joinWrite(writes: StatedWrite[], docsWrite: StatedWrite, file: string): void {
  const shape = pathShape(docsWrite.path);
  const same = writes.find((w) => w.method === docsWrite.method && pathShape(w.path) === shape);
  if (!same) {
    writes.push(docsWrite);
    return;
  }
  if (same.sources?.docs)
    throw new UsageError(
      `${file}: ${docsWrite.method} ${docsWrite.path} is described by two docs pages; drop one of them`,
    );
  same.sources = { ...same.sources, docs: docsWrite.sources?.docs ?? {} };
  if (docsWrite.examples?.length) same.examples = [...(same.examples ?? []), ...docsWrite.examples];
}

/**
 * The schemas bodies and the provider read: the spec's, with every constraint a docs page states
 * where the spec is silent (a field only the page has, a bound only the page gives); required
 * united. Each source's own schema stays in `sources` for triangulation, the contract and drift.
 */
export function merged<
  W extends Pick<WriteOperation, 'sources' | 'request' | 'response' | 'requestRequired'>,
>(w: W): W {
  const spec = w.sources?.openapi;
  const docs = w.sources?.docs;
  if (!spec || !docs) return w;
  const request = spec.request ? mergeSilent(spec.request, docs.request) : docs.request;
  const response = spec.response ? mergeSilent(spec.response, docs.response) : docs.response;
  const out: W = { ...w };
  delete out.request;
  delete out.response;
  return {
    ...out,
    ...(request ? { request } : {}),
    ...(response ? { response } : {}),
    requestRequired: Boolean(w.requestRequired || docs.request?.required?.length),
  };
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
