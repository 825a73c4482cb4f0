// sources → model: the spec's operations and every docs page's, reads and writes, joined by method
// and path shape (each source's schemas kept apart, a write's also merged for bodies and the
// provider), then linked: which list supplies each path parameter (the list at the path's prefix,
// else the spec's x-twilio.parent), and which fetch pairs with which list. The model says which API
// it is (the spec's servers and info); a docs page of another API is refused, or, when it was only
// found in the sources folder, left out with a note.

import { UsageError } from '../errors';
import { type DocsPage, parseDocsPage } from '../sources/docs-page';
import { readSource, type SourcePaths } from '../sources/paths';
import { readSpec, type SpecSource } from '../sources/spec';
import { type ApiInfo, apiInfoFromSpec, apiInfoFromUrls } from './api';
import { operationsFromDocs, type StatedWrite } from './docs';
import { type JsonSchema, mergeSilent } from './json-schema';
import type { ApiModel } from './model';
import { operationsFromOpenApi, type SpecWrite } from './openapi';
import { instanceSchema, type Operation, ORIGINS, pathMatcher, pathShape, resourceOf } from './operation';
import { snakeCase, twilioErrorSchema, withUnsetStrings } from './twilio-conventions';
import { linkWrites, type WriteOperation, type WriteSchemas } from './writes';

export interface BuiltModel {
  model: ApiModel;
  pages: DocsPage[];
  specFile?: string;
  /** The docs pages' files the model was built with. */
  docs: string[];
  /** What the build left out, and why (a docs page of another API found in the sources folder). */
  notes: string[];
  /** One line per operation a page documents that the model could not use, saying why. */
  unused: string[];
}

/** Reads and parses every source (the pages first, then the spec from a file or a URL), then builds the model. */
export async function buildModelFromSources(paths: SourcePaths): Promise<BuiltModel> {
  const pages = readPages(paths.docs);
  return buildFromSpec(await readSpec(paths.spec), paths, pages);
}

/** Each docs page of a run, parsed, with its file: one line naming the first that cannot be read. */
const readPages = (files: readonly string[]): Array<{ file: string; page: DocsPage }> =>
  files.map((file) => ({ file, page: parseDocsPage(readSource(file, 'docs page'), file) }));

/** The model of a spec already read, with the docs pages of `paths` (read here unless given). */
export function buildFromSpec(
  spec: SpecSource,
  paths: Pick<SourcePaths, 'docs' | 'docsFromFolder'>,
  read = readPages(paths.docs),
): BuiltModel {
  const api = apiInfoFromSpec(spec.doc);
  const notes: string[] = [];
  const kept = read.filter(({ page }) => {
    const other = foreignOrigin(page, api);
    if (other && paths.docsFromFolder)
      notes.push(`${page.file}: left out, it documents ${other}, not ${api.origin} (the spec's API)`);
    return !(other && paths.docsFromFolder);
  });
  const pages = kept.map((k) => k.page);
  const unused: string[] = [];
  const model = buildModel({ spec: spec.doc, specFile: spec.from, pages, unused });
  return { model, pages, docs: kept.map((k) => k.file), specFile: spec.from, notes, unused };
}

/** The origin a page documents when it is not the API's, else undefined. */
function foreignOrigin(page: DocsPage, api: ApiInfo): string | undefined {
  if (!api.origin) return undefined;
  const origin = apiInfoFromUrls(page.operations.map((o) => o.url)).origin;
  return origin && origin !== api.origin ? origin : undefined;
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
  const api =
    fromSpec && typeof input.spec === 'object' && input.spec !== null
      ? apiInfoFromSpec(input.spec as Record<string, unknown>)
      : apiInfoFromUrls((input.pages ?? []).flatMap((p) => p.operations.map((o) => o.url)));
  const operations: Operation[] = fromSpec ? fromSpec.operations.map((o) => ({ ...o })) : [];
  const stated: StatedWrite[] = (fromSpec?.writes ?? []).map(specSources);
  for (const page of input.pages ?? []) {
    const other = foreignOrigin(page, api);
    if (other)
      throw new UsageError(
        `${page.file}: documents ${other}, but the spec is served at ${api.origin}; give the docs pages of that API`,
      );
    const docs = operationsFromDocs(page);
    input.unused?.push(...docs.unused);
    for (const docsOp of docs.reads) joinRead(operations, docsOp, page.file);
    for (const docsWrite of docs.writes) joinWrite(stated, docsWrite, page.file);
  }
  const reads = literalFirst(operations);
  link(reads);
  for (const op of reads)
    for (const s of Object.values(op.schemas)) if (s) s.response = withUnsetStrings(s.response);
  const writes = literalFirst(linkWrites(stated.map(merged), reads)).map(withUnsetAnswers);
  const scope = sharedScope([...reads, ...writes].map((o) => o.path));
  for (const op of [...reads, ...writes]) op.resource = resourceOf(op.path, scope);
  // A GET the spec gives no JSON body that a docs page documents is the page's operation.
  const unmodelled = (fromSpec?.unmodelled ?? [])
    .filter((u) => !reads.some((r) => pathShape(r.path) === pathShape(u.path)))
    .map((u) => ({ ...u, resource: resourceOf(u.path, scope) }));
  return {
    api,
    operations: reads,
    writes,
    error: fromSpec?.error ?? twilioErrorSchema(),
    ...(unmodelled.length ? { unmodelled } : {}),
  };
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

/**
 * Operations in model order, except that one whose path has a literal segment where another has a
 * parameter (/v1/Services/Usecases beside /v1/Services/{Sid}) comes first: whoever matches a
 * request against the model in order (routing, recordings) finds the literal one.
 */
export function literalFirst<T extends { path: string }>(ops: readonly T[]): T[] {
  const literals = (path: string) => path.split('/').filter((s) => s && !s.includes('{')).length;
  const out: T[] = [];
  for (const op of ops) {
    const before = out.findIndex(
      (other) => literals(op.path) > literals(other.path) && pathMatcher(other.path).test(op.path),
    );
    if (before === -1) out.push(op);
    else out.splice(before, 0, op);
  }
  return out;
}

/**
 * The segments every path shares down to a parameter, when all of them are under it or are it
 * (API v2010's /2010-04-01/Accounts/{AccountSid}): a scope, not a resource. 0 when there is none.
 */
export function sharedScope(paths: readonly string[]): number {
  const shapes = paths.map((p) => pathShape(p).split('/').filter(Boolean));
  let best = 0;
  for (const candidate of shapes) {
    for (let k = 1; k < candidate.length; k++) {
      if (candidate[k] !== '{}' || k + 1 <= best) continue;
      const prefix = candidate.slice(0, k + 1);
      const under = (s: string[]) => prefix.every((seg, i) => s[i] === seg);
      const inside = shapes.filter((s) => s.length > prefix.length && under(s)).length;
      const all = shapes.every(
        (s) => under(s) || (s.length === k && prefix.slice(0, k).every((seg, i) => s[i] === seg)),
      );
      if (all && inside >= 2) best = k + 1;
    }
  }
  return best;
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
      // The segment that holds it ("{Sid}.json" in API v2010).
      const at = segments.findIndex((seg) => seg.includes(`{${param.name}}`));
      const prefix = pathShape(segments.slice(0, at).join('/'));
      const list = lists.find((l) => pathShape(l.path) === prefix && l !== op);
      if (!list?.idField) return { name: param.name };
      return { name: param.name, from: { operation: list.id, field: list.idField } };
    });
    if (op.kind === 'instance') {
      const list = lists.find((l) => `${pathShape(l.path)}/{}` === pathShape(op.path));
      if (list) {
        op.pairsWith = list.id;
        list.pairsWith = op.id;
      }
    }
  }
}

/**
 * The item field that identifies a list's items: the one the paired fetch's last path parameter
 * names (`{Sid}` names `sid`, `{Index}` `index`, `{ConnectAppSid}` `connect_app_sid`), else id or
 * sid; none when the items have neither (they are then told apart by content).
 */
function identifyingField(list: Operation, operations: readonly Operation[]): string | undefined {
  const fields = new Set<string>();
  for (const origin of ORIGINS)
    for (const name of Object.keys(instanceSchema(list, origin)?.properties ?? {})) fields.add(name);
  const fetch = operations.find(
    (o) => o.kind === 'instance' && pathShape(o.path) === `${pathShape(list.path)}/{}`,
  );
  const last = fetch?.pathParams.at(-1)?.name;
  const named = last ? [last, snakeCase(last)].find((f) => fields.has(f)) : undefined;
  return named ?? ['id', 'sid'].find((f) => fields.has(f));
}

export type { JsonSchema };
