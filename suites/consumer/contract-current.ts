// Compares the pact the consumer suites just wrote with the committed one, interaction by
// interaction, so a contract change is reviewed, never silent. UPDATE_CONTRACTS=1 accepts it.

import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonDiff } from '../../src/json-diff';
import { COMMITTED_DIR, GENERATED_DIR, PACT_FILE } from '../support/pact';

interface PactFile {
  interactions: Array<{ description: string; [k: string]: unknown }>;
  [k: string]: unknown;
}

export function contractChanges(generated: PactFile, committed: PactFile): string[] {
  const byName = (p: PactFile) => new Map(p.interactions.map((i) => [i.description, i]));
  const now = byName(generated);
  const before = byName(committed);
  const lines: string[] = [];
  for (const [name, interaction] of now) {
    const old = before.get(name);
    if (!old) lines.push(`added interaction "${name}"`);
    else
      for (const d of jsonDiff(old, interaction))
        lines.push(
          `changed interaction "${name}" at ${d.pointer}: ${JSON.stringify(d.left)} → ${JSON.stringify(d.right)}`,
        );
  }
  for (const name of before.keys()) if (!now.has(name)) lines.push(`removed interaction "${name}"`);
  const { interactions: _a, ...metaNow } = generated;
  const { interactions: _b, ...metaBefore } = committed;
  for (const d of jsonDiff(metaBefore, metaNow))
    lines.push(`changed ${d.pointer}: ${JSON.stringify(d.left)} → ${JSON.stringify(d.right)}`);
  return lines;
}

export function checkCommittedContract(): string[] {
  const generated = join(GENERATED_DIR, PACT_FILE);
  const committed = join(COMMITTED_DIR, PACT_FILE);
  if (process.env.UPDATE_CONTRACTS === '1') {
    mkdirSync(COMMITTED_DIR, { recursive: true });
    copyFileSync(generated, committed);
    return [];
  }
  if (!existsSync(committed))
    return [`contracts/${PACT_FILE} is missing; run npm run pact:update and review it`];
  return contractChanges(
    JSON.parse(readFileSync(generated, 'utf8')),
    JSON.parse(readFileSync(committed, 'utf8')),
  );
}
