// Part of `npm run build`: compiles the committed schemas' validators once, into
// dist/validators/<hash>.cjs (ajv's standalone code, src/schemas/standalone.ts), and marks their
// files checked against the meta-schema, so a run loads the functions instead of compiling them and
// skips checks the build made on the same bytes. Older files there are removed. Last, the digest of
// the build's inputs taken before it started (bin/build-inputs.mjs) becomes its stamp: the suites
// rebuild only when it no longer matches.

import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { contractSchemas } from '../src/schemas/contract';
import { loadCheckedModel } from '../src/schemas/files';
import { markSchemasChecked, VALIDATORS_DIR, writeStandalone } from '../src/schemas/standalone';
import { SchemaValidator } from '../src/schemas/validator';
import { PROJECT_ROOT } from '../src/sources/paths';
import { stampBuild } from './build-inputs.mjs';

const { model, digest } = loadCheckedModel(join(PROJECT_ROOT, 'schemas'));
const { hash, text } = SchemaValidator.standaloneOf(contractSchemas(model));
const keep = new Set([writeStandalone(VALIDATORS_DIR, hash, text), markSchemasChecked(digest)]);
for (const name of readdirSync(VALIDATORS_DIR))
  if (!keep.has(join(VALIDATORS_DIR, name))) rmSync(join(VALIDATORS_DIR, name), { force: true });
stampBuild();
