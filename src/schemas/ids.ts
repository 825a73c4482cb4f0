// Where each schema of the model lives on disk and the $id it carries: names only, no validator, so
// any stage can name a schema without loading ajv.

import type { Operation, Origin } from '../model/operation';

/** Which sources a contract reads (see contract.ts). */
export type ContractMode = 'docs' | 'spec' | 'both';
export const CONTRACT_MODES: readonly ContractMode[] = ['docs', 'spec', 'both'];

export const MODEL_FILE = 'model.json';
export const ERROR_FILE = 'twilio-error.schema.json';
export const SCHEMA_BASE = 'https://schemas.conformance.test';
export type SchemaRole = 'response' | 'query' | 'path';
/** A write's schemas: its request body, and its 2xx body. */
export type FileRole = SchemaRole | 'request';

const kebab = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase();

/** The file of one operation's schema for one source and role, relative to the schemas folder. */
export const schemaFile = (origin: Origin, op: Pick<Operation, 'id'>, role: FileRole): string =>
  `${origin}/${kebab(op.id)}.${role}.schema.json`;

export const schemaIdOf = (file: string): string => `${SCHEMA_BASE}/${file}`;

/** The folder of a write's bodies as bodies and the provider read them: every source's schema merged. */
export const WRITES_DIR = 'writes';
export const writeSchemaFile = (op: Pick<Operation, 'id'>, role: 'request' | 'response'): string =>
  `${WRITES_DIR}/${kebab(op.id)}.${role}.schema.json`;
