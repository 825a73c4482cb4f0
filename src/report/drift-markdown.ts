// Drift findings as Markdown for a pull-request comment, and as JSON.

import type { Finding } from '../finding';
import { type DriftLevel, levelOf } from '../rules/drift-table';

const ORDER: Record<DriftLevel, number> = { breaking: 0, 'non-breaking': 1, info: 2 };
const ICON: Record<DriftLevel, string> = {
  breaking: '🔴 breaking',
  'non-breaking': '🟢 non-breaking',
  info: 'ℹ️ info',
};

export const sortChanges = (changes: readonly Finding[]): Finding[] =>
  [...changes].sort(
    (x, y) =>
      ORDER[levelOf(x)] - ORDER[levelOf(y)] ||
      x.operation.localeCompare(y.operation) ||
      (x.pointer ?? '').localeCompare(y.pointer ?? ''),
  );

export function driftMarkdown(from: string, to: string, changes: readonly Finding[]): string {
  const count = (c: DriftLevel) => changes.filter((x) => levelOf(x) === c).length;
  const cell = (s: unknown) => (s === undefined ? '' : `\`${JSON.stringify(s).replaceAll('|', '\\|')}\``);
  return [
    `## API drift: \`${from}\` → \`${to}\``,
    '',
    changes.length
      ? `**${count('breaking')} breaking**, ${count('non-breaking')} non-breaking, ${count('info')} info.`
      : 'No drift.',
    '',
    ...(changes.length
      ? [
          '| class | operation | where | rule | from | to | why |',
          '|---|---|---|---|---|---|---|',
          ...sortChanges(changes).map(
            (c) =>
              `| ${ICON[levelOf(c)]} | \`${c.operation}\` | \`${c.pointer ?? ''}\` | \`${c.rule}\` | ${cell(c.expected)} | ${cell(c.actual)} | ${c.message.replaceAll('|', '\\|')} |`,
          ),
        ]
      : []),
    '',
  ].join('\n');
}
