// sources → schemas + triangulation findings, the whole derive stage behind `npm run schemas`.

import { UsageError } from '../errors';
import type { Finding } from '../findings';
import { readSource, type SourcePaths } from '../sources';
import { type DocsPage, parseDocsPage } from './docs-page';
import { deriveFromDocs } from './docs-schemas';
import { deriveFromOpenApi, documentedStatuses } from './openapi';
import type { SchemaSet } from './schema-set';
import { triangulate } from './triangulate';

export interface Derivation {
  page: DocsPage;
  docs: SchemaSet;
  spec: SchemaSet;
  findings: Finding[];
}

export function parseSpecText(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`openapi spec ${path}: not valid JSON (${(error as Error).message})`);
  }
}

export function deriveAll(paths: SourcePaths): Derivation {
  const page = parseDocsPage(readSource(paths.docs, 'docs page'), paths.docs);
  const docs = deriveFromDocs(page);
  const specDoc = parseSpecText(readSource(paths.spec, 'openapi spec'), paths.spec);
  const spec = deriveFromOpenApi(specDoc, paths.spec, {
    listPath: docs.listPath,
    fetchPath: docs.fetchPath,
    resource: docs.resource,
  });
  const findings = triangulate({
    page,
    docs,
    spec,
    specStatuses: {
      [docs.fetchPath]: documentedStatuses(specDoc, docs.fetchPath),
      [docs.listPath]: documentedStatuses(specDoc, docs.listPath),
    },
  });
  return { page, docs, spec, findings };
}
