// Findings → Markdown, fit for a pull-request comment or a file next to the JSON.

import { bySeverity, type Finding } from '../finding';

const ICON = { error: '✖ error', warning: '⚠ warning', info: 'ℹ info' } as const;

export function findingsMarkdown(title: string, findings: readonly Finding[]): string {
  const counts = (['error', 'warning', 'info'] as const).map(
    (s) => `${findings.filter((f) => f.severity === s).length} ${s}`,
  );
  const rows = [...findings].sort(bySeverity).map((f) => {
    const where = [f.operation, f.pointer].filter(Boolean).join(' ');
    const sources = f.sources
      ? Object.entries(f.sources)
          .map(([k, v]) => `${k}: \`${v}\``)
          .join('<br>')
      : '';
    return `| ${ICON[f.severity]} | \`${f.rule}\` | ${cell(where)} | ${cell(f.source)} | ${cell(f.message)} | ${sources} |`;
  });
  return [
    `# ${title}`,
    '',
    `${findings.length} findings: ${counts.join(', ')}.`,
    '',
    '| severity | rule | where | source | finding | sources |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** One line per finding for a terminal. */
export function findingLine(f: Finding): string {
  const where = [f.operation, f.pointer].filter(Boolean).join(' ');
  return `${f.severity.padEnd(7)} ${f.rule}${where ? ` [${where}]` : ''}: ${f.message}`;
}
