// Where the suites' globalSetup (build.ts) bundles the verification batch's child (verify-batch.ts).

import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/sources/paths';

export const VERIFY_BATCH_BUNDLE = join(PROJECT_ROOT, 'dist/suites/verify-batch.mjs');
