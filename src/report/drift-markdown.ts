// Drift findings as Markdown for a pull-request comment, and as JSON.

import { type DriftLevel, levelOf } from '../drift/table';
import type { Finding } from '../finding';

const ORDER: Record<DriftLevel, number> = { breaking: 0, warning: 1, 'non-breaking': 2, info: 3 };
const ICON: Record<DriftLevel, string> = {
  breaking: '🔴 breaking',
  warning: '🟡 warning',
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

/** Which operations were compared: those both sides describe, and how many only one does. */
export interface Compared {
  both: readonly string[];
  onlyFrom: readonly string[];
  onlyTo: readonly string[];
}

function comparedLine(from: string, to: string, c: Compared): string {
  const only = [
    c.onlyFrom.length ? `${c.onlyFrom.length} only in \`${from}\`` : '',
    c.onlyTo.length ? `${c.onlyTo.length} only in \`${to}\`` : '',
  ].filter(Boolean);
  return `Compared ${c.both.length} operation(s) both describe: ${c.both.map((l) => `\`${l}\``).join(', ')}${
    only.length ? `; not compared: ${only.join(', ')}` : ''
  }.`;
}

/** Markdown grouped by operation (those with a breaking change first), each by level. */
export function driftMarkdown(
  from: string,
  to: string,
  changes: readonly Finding[],
  compared?: Compared,
): string {
  const count = (c: DriftLevel) => changes.filter((x) => levelOf(x) === c).length;
  const cell = (s: unknown) => (s === undefined ? '' : `\`${JSON.stringify(s).replaceAll('|', '\\|')}\``);
  const byOperation = new Map<string, Finding[]>();
  for (const c of sortChanges(changes)) {
    const list = byOperation.get(c.operation);
    if (list) list.push(c);
    else byOperation.set(c.operation, [c]);
  }
  const worst = (fs: readonly Finding[]) => Math.min(...fs.map((f) => ORDER[levelOf(f)]));
  const operations = [...byOperation].sort(([a, fa], [b, fb]) => worst(fa) - worst(fb) || a.localeCompare(b));
  return [
    `## API drift: \`${from}\` → \`${to}\``,
    '',
    ...(compared ? [comparedLine(from, to, compared), ''] : []),
    changes.length
      ? `**${count('breaking')} breaking**, ${count('warning') ? `${count('warning')} warning, ` : ''}${count('non-breaking')} non-breaking, ${count('info')} info, in ${byOperation.size} operation(s).`
      : 'No drift.',
    '',
    ...operations.flatMap(([operation, fs]) => [
      `### \`${operation}\``,
      '',
      ...(['breaking', 'warning', 'non-breaking', 'info'] as const).flatMap((level) => {
        const mine = fs.filter((f) => levelOf(f) === level);
        return mine.length
          ? [
              `**${ICON[level]}** (${mine.length})`,
              '',
              '| where | rule | from | to | why |',
              '|---|---|---|---|---|',
              ...mine.map(
                (c) =>
                  `| \`${c.pointer || '(operation)'}\` | \`${c.rule}\` | ${cell(c.expected)} | ${cell(c.actual)} | ${c.message.replaceAll('|', '\\|')} |`,
              ),
              '',
            ]
          : [];
      }),
    ]),
  ].join('\n');
}

/** A change as JSON output carries it: operation, pointer, rule, level, before and after. */
export const changeJson = (c: Finding) => ({
  ...c,
  pointer: c.pointer ?? '',
  level: levelOf(c),
  ...(c.expected !== undefined ? { before: c.expected } : {}),
  ...(c.actual !== undefined ? { after: c.actual } : {}),
});
