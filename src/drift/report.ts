// Drift as Markdown for a pull-request comment, and as JSON.

import type { DriftChange, DriftClass } from './diff';

const ORDER: Record<DriftClass, number> = { breaking: 0, 'non-breaking': 1, info: 2 };
const ICON: Record<DriftClass, string> = {
  breaking: '🔴 breaking',
  'non-breaking': '🟢 non-breaking',
  info: 'ℹ️ info',
};

export const sortChanges = (changes: readonly DriftChange[]): DriftChange[] =>
  [...changes].sort(
    (x, y) =>
      ORDER[x.class] - ORDER[y.class] ||
      x.operation.localeCompare(y.operation) ||
      x.field.localeCompare(y.field),
  );

export function driftMarkdown(from: string, to: string, changes: readonly DriftChange[]): string {
  const count = (c: DriftClass) => changes.filter((x) => x.class === c).length;
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
          '| class | operation | where | field | change | from | to | why |',
          '|---|---|---|---|---|---|---|---|',
          ...sortChanges(changes).map(
            (c) =>
              `| ${ICON[c.class]} | \`${c.operation}\` | ${c.location} | \`${c.field}\` | ${c.change} | ${cell(c.from)} | ${cell(c.to)} | ${c.reason.replaceAll('|', '\\|')} |`,
          ),
        ]
      : []),
    '',
  ].join('\n');
}
