// npx tsx bench/specs.ts DIR [--out FILE] [--only NAME,…] [--no-conformance] [--no-writes] [--pagination-runs N]
// Measures the suite over a folder of OpenAPI specs (twilio-oai's spec/json or spec/yaml, fetched
// by the user, never committed): for each spec, whether the model builds and the contract compiles,
// what the model holds (reads, writes, form bodies, envelopes, formats accepted unchecked), how the
// spec's own 200 examples fare against the contract (false alarms), and how far the GETs get with
// `conformance --spec <spec> --target local --read-only` against the current reference provider, then
// the run that writes (`--target local` without --read-only: arrange, exercise, undo): its reads and
// writes judged, the writes a run never sends (src/run/reach.ts) with their reasons, and the cleanup.
// It measures; it never judges (exit 0 whatever the figures).

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { isRecord } from '../src/json';
import { buildFromSpec } from '../src/model/build';
import { successMedia, successStatus } from '../src/model/operation';
import { envelopeOf } from '../src/model/twilio-conventions';
import { Contract } from '../src/schemas/contract';
import { PROJECT_ROOT } from '../src/sources/paths';
import { readSpecFile } from '../src/sources/spec';

const run = promisify(execFile);

interface ConformanceRow {
  exit: number;
  judged: number;
  /** Of the judged operations: reads (GET) and writes. */
  reads: number;
  writes: number;
  unjudged: number;
  /** Writes a run never sends, and why (the reasons, counted). */
  notSent: number;
  notSentByReason: Record<string, number>;
  /** The write.cleanup rule's outcome (passed: nothing the run made was left, the journal done). */
  cleanup?: string;
  clean: number;
  errors: number;
  byRule: Record<string, number>;
  ms: number;
  /** Up to 8 errors, one per rule and operation. */
  errorSample: string[];
  /** Why operations were not judged (up to 8), and how many for each reason. */
  unjudgedWhy: string[];
  unjudgedByReason: Record<string, number>;
}

interface SpecRow {
  spec: string;
  title?: string;
  built: boolean;
  compiled: boolean;
  error?: string;
  gets: number;
  /** GETs the spec document holds, and those of them the model names unmodelled (no JSON body to judge). */
  specGets: number;
  unmodelled: number;
  lists: { meta: number; flat: number; none: number };
  writes: number;
  formWrites: number;
  jsonWrites: number;
  unchecked: string[];
  examples: { checked: number; clean: number; formatViolations: string[] };
  conformance?: ConformanceRow;
  /** The run that writes (the local target without --read-only). */
  writing?: ConformanceRow;
}

const args = process.argv.slice(2);
const dir = args[0];
if (!dir || args.includes('--help')) {
  console.log(
    'Usage: npx tsx bench/specs.ts DIR [--out FILE] [--only NAME,…] [--no-conformance] [--pagination-runs N]',
  );
  process.exit(dir ? 0 : 2);
}
const flag = (name: string) => {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : undefined;
};
const only = flag('--only')?.split(',');
const files = readdirSync(dir)
  .filter((f) => /\.(json|ya?ml)$/.test(f))
  .filter((f) => !only || only.some((o) => f.includes(o)))
  .sort();

/** The spec's own examples of each GET's documented body (a 200's, a redirect's), checked against the contract built from it. */
function examples(contract: Contract, doc: Record<string, unknown>): SpecRow['examples'] {
  const out: SpecRow['examples'] = { checked: 0, clean: 0, formatViolations: [] };
  const paths = isRecord(doc.paths) ? doc.paths : {};
  for (const op of contract.operations) {
    const item = paths[op.path];
    const get = isRecord(item) && isRecord(item.get) ? item.get : undefined;
    const ok = isRecord(get?.responses) ? get.responses[String(successStatus(op))] : undefined;
    const content = isRecord(ok) && isRecord(ok.content) ? ok.content[successMedia(op)] : undefined;
    const named = isRecord(content) && isRecord(content.examples) ? content.examples : {};
    for (const ex of Object.values(named)) {
      if (!isRecord(ex) || ex.value === undefined) continue;
      out.checked++;
      const found = contract.validate(op, ex.value).filter((v) => v.severity === 'error');
      if (found.length === 0) out.clean++;
      for (const v of found.filter((x) => x.keyword === 'format'))
        out.formatViolations.push(
          `${op.id} ${v.pointer} ${JSON.stringify(v.actual)} ${JSON.stringify(v.expected)}`,
        );
    }
  }
  return out;
}

const countBy = (keys: readonly string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
};

/** `conformance --spec FILE --target local` (`--read-only` unless writing), its exit code and report. */
async function conformanceRun(file: string, writing: boolean, reports: string): Promise<number> {
  try {
    await run(
      process.execPath,
      [
        '--max-old-space-size=1024',
        join(PROJECT_ROOT, 'dist/cli/conformance.mjs'),
        '--spec',
        file,
        '--target',
        'local',
        ...(writing ? [] : ['--read-only']),
        '--report-dir',
        reports,
        '--seed',
        '1',
        '--pagination-runs',
        flag('--pagination-runs') ?? '3',
        '--deadline',
        '600',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? 1;
  }
}

interface Report {
  runs: Array<{ results: Array<{ rule: string; operation: string; outcome: string }> }>;
  findings: Array<{ severity: string; rule: string; operation: string; message: string }>;
  coverage: {
    unjudged: Array<{ operation: string; reason: string }>;
    notSent?: Array<{ operation: string; reason: string }>;
  };
}

const EMPTY: Omit<ConformanceRow, 'exit' | 'ms'> = {
  judged: 0,
  reads: 0,
  writes: 0,
  unjudged: 0,
  notSent: 0,
  notSentByReason: {},
  clean: 0,
  errors: 0,
  byRule: {},
  errorSample: [],
  unjudgedWhy: [],
  unjudgedByReason: {},
};

/** What a report says: operations judged (reads, writes), errors by rule, what was not judged or sent. */
function summary(report: Report): Omit<ConformanceRow, 'exit' | 'ms'> {
  const results = report.runs.flatMap((r) => r.results);
  const operations = new Set(results.map((r) => r.operation).filter((op) => /^[A-Z]+ \//.test(op)));
  const judged = [...operations].filter((op) =>
    results.some((r) => r.operation === op && (r.outcome === 'passed' || r.outcome === 'failed')),
  );
  const errors = report.findings.filter((f) => f.severity === 'error');
  const failing = new Set(errors.map((f) => f.operation));
  const notSent = report.coverage.notSent ?? [];
  const cleanup = results.find((r) => r.rule === 'write.cleanup')?.outcome;
  return {
    judged: judged.length,
    reads: judged.filter((op) => op.startsWith('GET ')).length,
    writes: judged.filter((op) => !op.startsWith('GET ')).length,
    unjudged: report.coverage.unjudged.length,
    notSent: notSent.length,
    notSentByReason: countBy(
      notSent.map((u) => u.reason.replace(/GET \S+/g, 'GET …').replace(/, and \w+ is not sent.*/, '')),
    ),
    ...(cleanup ? { cleanup } : {}),
    clean: judged.filter((op) => !failing.has(op)).length,
    errors: errors.length,
    byRule: countBy(errors.map((f) => f.rule)),
    errorSample: [
      ...new Map(
        errors.map((f) => [
          `${f.rule} ${f.operation}`,
          `${f.rule} [${f.operation}]: ${f.message.slice(0, 160)}`,
        ]),
      ).values(),
    ].slice(0, 8),
    unjudgedWhy: report.coverage.unjudged.slice(0, 8).map((u) => `${u.operation}: ${u.reason}`),
    unjudgedByReason: countBy(report.coverage.unjudged.map((u) => u.reason.replace(/GET \S+/g, 'GET …'))),
  };
}

async function conformance(file: string, writing = false): Promise<ConformanceRow> {
  const reports = mkdtempSync(join(tmpdir(), 'specs-bench-'));
  const started = performance.now();
  const exit = await conformanceRun(file, writing, reports);
  const ms = Math.round(performance.now() - started);
  try {
    return {
      exit,
      ms,
      ...summary(JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8')) as Report),
    };
  } catch {
    return { exit, ms, ...EMPTY };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

const rows: SpecRow[] = [];
for (const name of files) {
  const file = join(dir, name);
  const row: SpecRow = {
    spec: basename(name),
    built: false,
    compiled: false,
    gets: 0,
    specGets: 0,
    unmodelled: 0,
    lists: { meta: 0, flat: 0, none: 0 },
    writes: 0,
    formWrites: 0,
    jsonWrites: 0,
    unchecked: [],
    examples: { checked: 0, clean: 0, formatViolations: [] },
  };
  try {
    const spec = readSpecFile(file);
    const paths = isRecord(spec.doc.paths) ? Object.values(spec.doc.paths) : [];
    row.specGets = paths.filter((item) => isRecord(item) && isRecord(item.get)).length;
    const { model } = buildFromSpec(spec, { docs: [] });
    row.unmodelled = model.unmodelled?.length ?? 0;
    row.built = true;
    row.title = model.api.title;
    row.gets = model.operations.length;
    for (const op of model.operations) if (op.kind === 'list') row.lists[envelopeOf(op)]++;
    row.writes = model.writes.length;
    row.formWrites = model.writes.filter((w) => w.request && w.requestEncoding === 'form').length;
    row.jsonWrites = model.writes.filter((w) => w.request && w.requestEncoding !== 'form').length;
    const contract = new Contract(model, 'spec');
    contract.compileAll();
    row.compiled = true;
    row.unchecked = contract.validator.uncheckedFormats;
    row.examples = examples(contract, spec.doc);
    if (!args.includes('--no-conformance') && row.gets > 0) row.conformance = await conformance(file);
    if (!args.includes('--no-conformance') && !args.includes('--no-writes') && row.gets + row.writes > 0)
      row.writing = await conformance(file, true);
  } catch (error) {
    row.error = (error as Error).message.split('\n')[0];
  }
  rows.push(row);
  const [c, w] = [row.conformance, row.writing];
  console.log(
    [
      row.spec.padEnd(34),
      row.built ? 'built' : 'NOT BUILT',
      row.compiled ? 'compiled' : 'NOT COMPILED',
      `GET ${row.gets}/${row.specGets}${row.unmodelled ? ` (${row.unmodelled} not modelled)` : ''}`,
      `writes ${row.writes} (form ${row.formWrites}, json ${row.jsonWrites})`,
      `examples ${row.examples.clean}/${row.examples.checked}`,
      c
        ? `judged ${c.judged}/${row.gets}, clean ${c.clean}, errors ${c.errors}, exit ${c.exit}, ${c.ms} ms`
        : '',
      w
        ? `WRITING judged ${w.reads}+${w.writes}w, not sent ${w.notSent}, errors ${w.errors}, cleanup ${w.cleanup ?? '-'}, exit ${w.exit}, ${w.ms} ms`
        : '',
      row.error ?? '',
    ].join('  '),
  );
}
const out = flag('--out');
if (out) writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
const sum = (f: (r: SpecRow) => number) => rows.reduce((n, r) => n + f(r), 0);
console.log(
  JSON.stringify({
    specs: rows.length,
    built: rows.filter((r) => r.built).length,
    compiled: rows.filter((r) => r.compiled).length,
    gets: sum((r) => r.gets),
    specGets: sum((r) => r.specGets),
    unmodelled: sum((r) => r.unmodelled),
    judged: sum((r) => r.conformance?.judged ?? 0),
    clean: sum((r) => r.conformance?.clean ?? 0),
    readOnlyExit0: rows.filter((r) => r.conformance?.exit === 0).length,
    writingExit0: rows.filter((r) => r.writing?.exit === 0).length,
    writingReads: sum((r) => r.writing?.reads ?? 0),
    writingWrites: sum((r) => r.writing?.writes ?? 0),
    notSent: sum((r) => r.writing?.notSent ?? 0),
    examples: `${sum((r) => r.examples.clean)}/${sum((r) => r.examples.checked)}`,
  }),
);
