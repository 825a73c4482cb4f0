// The schemas derived from one source, named the same way whichever source they came from, so the
// docs-derived and the spec-derived contracts can be loaded, compared and swapped one for another.

import type { JsonSchema } from './json-schema';

export type SchemaOrigin = 'docs' | 'openapi';
export type SchemaRole = 'resource' | 'list' | 'listQuery' | 'fetchPath' | 'error';

export interface SchemaSet {
  origin: SchemaOrigin;
  /** Singular resource name, e.g. "Session". */
  resource: string;
  /** Name of the array in a list page, e.g. "sessions". */
  itemsKey: string;
  listPath: string;
  fetchPath: string;
  schemas: Partial<Record<SchemaRole, JsonSchema>> & { resource: JsonSchema };
}

export const SCHEMA_BASE = 'https://schemas.conformance.test';

export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase();
}

/** File name of each role, e.g. session.schema.json, session-list.schema.json. */
export function schemaFileName(role: SchemaRole, resource: string): string {
  switch (role) {
    case 'resource':
      return `${kebab(resource)}.schema.json`;
    case 'list':
      return `${kebab(resource)}-list.schema.json`;
    case 'listQuery':
      return 'list-query.schema.json';
    case 'fetchPath':
      return 'fetch-path.schema.json';
    case 'error':
      return 'twilio-error.schema.json';
  }
}

/** Folder of a set below the schemas directory: docs-derived at the top, the spec's in openapi/. */
export const originFolder = (origin: SchemaOrigin): string => (origin === 'docs' ? '' : 'openapi');

export function schemaId(origin: SchemaOrigin, file: string): string {
  return `${SCHEMA_BASE}/${origin}/${file}`;
}

export const SCHEMA_ROLES: readonly SchemaRole[] = ['resource', 'list', 'listQuery', 'fetchPath', 'error'];
