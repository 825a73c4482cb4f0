// Four real products end to end, offline, from parts of their twilio-oai specs
// (suites/fixtures/specs/twilio-oai): Conversations v1, Messaging v1 (its YAML spec), Verify v2 and
// API v2010 (Accounts, Messages). For each, against the reference provider serving that spec's model:
//  - `npm run conformance -- --spec <spec> --target local` (writes included) exits 0, every read and
//    every write a run may send judged, each write it never sends named with the reason, and the
//    cleanup leaves nothing (the journal's last line `done`);
//  - a sample of the mutation catalogue, each fault switched on for one operation, is caught, and
//    the faithful provider raises nothing: the score is printed per product.
// One conformance run and a few mutants per product keep it short (the full catalogue per product is
// `npm run mutation -- --spec <spec>`; its figures are in docs/any-product.md).

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFromSpec } from '../../src/model/build';
import { operationLabel } from '../../src/model/operation';
import { writeLabel } from '../../src/model/writes';
import { runMutation } from '../../src/mutation/run';
import { readJournal } from '../../src/run/journal';
import { reach } from '../../src/run/reach';
import { Contract } from '../../src/schemas/contract';
import { readSpecFile } from '../../src/sources/spec';
import { FIXTURES, runCli } from '../support/fixtures';

const SPECS = join(FIXTURES, 'specs/twilio-oai');
const LOCAL_ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Report {
  runs: Array<{ results: Array<{ rule: string; operation: string; outcome: string; reason?: string }> }>;
  findings: Array<{ severity: string; rule: string; message: string }>;
  coverage: { unjudged: unknown[]; notSent: Array<{ operation: string; reason: string }> };
}

/** `conformance --spec <subset> --target local --seed 1 --pagination-runs N` (1; and `extra`): exit 0, its report. */
async function runSubset(file: string, extra: string[] = [], paginationRuns = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'products-'));
  dirs.push(dir);
  const spec = join(SPECS, file);
  const args = ['--spec', spec, '--target', 'local', '--report-dir', dir, '--seed', '1', ...extra];
  const out = await runCli('conformance', [...args, '--pagination-runs', String(paginationRuns)]);
  expect(out.status, `${out.stdout}\n${out.stderr}`).toBe(0);
  const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as Report;
  return { report, results: report.runs.flatMap((r) => r.results) };
}

const PRODUCTS = [
  ['Conversations v1', 'twilio_conversations_v1.subset.json'],
  ['Messaging v1', 'twilio_messaging_v1.subset.yaml'],
  ['Verify v2', 'twilio_verify_v2.subset.json'],
  ['API v2010 (Accounts, Messages)', 'twilio_api_v2010.subset.json'],
] as const;

describe.each(PRODUCTS)('%s, end to end against the reference provider', (_name, file) => {
  const spec = join(SPECS, file);
  const contract = new Contract(buildFromSpec(readSpecFile(spec), { docs: [] }).model, 'spec');
  const offline = reach(contract, { realAccount: false, account: LOCAL_ACCOUNT });

  it('a run that writes exits 0: every read and every write it may send judged, the rest named, nothing left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'products-'));
    dirs.push(dir);
    const args = ['--spec', spec, '--target', 'local', '--report-dir', dir, '--seed', '1'];
    const out = await runCli('conformance', [...args, '--pagination-runs', '2']);
    expect(out.status, `${out.stdout}\n${out.stderr}`).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as Report;
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const results = report.runs.flatMap((r) => r.results);
    const judged = new Set(results.filter((r) => r.outcome !== 'not-run').map((r) => r.operation));
    // Every read, and every write the reference provider may be sent, judged.
    for (const op of contract.operations) expect(judged, operationLabel(op)).toContain(operationLabel(op));
    const sent = offline.sendable.map(writeLabel);
    expect(sent.length).toBeGreaterThan(0);
    for (const w of sent) expect(judged, w).toContain(w);
    // The rest never sent, each with its reason, and no cause to fail.
    expect(report.coverage.unjudged).toEqual([]);
    expect(report.coverage.notSent.map((u) => u.operation).sort()).toEqual(
      contract.writes
        .filter((w) => offline.notSent.has(w.id))
        .map(writeLabel)
        .sort(),
    );
    for (const u of report.coverage.notSent) expect(u.reason).toMatch(/^not sent: \S/);
    // Nothing the run made is left: the cleanup rule passed and the journal says done.
    expect(results.find((r) => r.rule === 'write.cleanup')?.outcome).toBe('passed');
    const [journal] = readdirSync(join(dir, 'journal')).filter((f) => f.endsWith('.jsonl'));
    const entries = readJournal(join(dir, 'journal', journal as string));
    expect(entries.some((e) => e.kind === 'made')).toBe(true);
    expect(entries.at(-1)?.kind).toBe('done');
  }, 120_000);

  it('catches a sample of the mutation catalogue, with no false alarm on the faithful provider', async () => {
    const result = await runMutation(contract, { sample: 4, numRuns: 3, pactFiles: [], concurrency: 2 });
    console.log(
      `${file}: ${result.killed}/${result.total} sampled mutants killed (of ${result.sampledFrom ?? result.total}): ${result.rows
        .map(
          (r) =>
            `${r.fault}@${r.operation} ${r.killed ? `by ${r.caughtBy.join('+')}` : `SURVIVED (${r.why})`}`,
        )
        .join('; ')}`,
    );
    expect(result.falseAlarms, result.faithful.why).toEqual([]);
    expect(result.total).toBe(4);
    expect(result.rows.filter((r) => !r.killed).map((r) => `${r.fault} ${r.operation}: ${r.why}`)).toEqual(
      [],
    );
  }, 240_000);
});

describe('what the four products never send, and why', () => {
  it('on a real account: what costs money, makes what nothing removes, or needs what the run cannot make', () => {
    const load = (file: string) =>
      new Contract(buildFromSpec(readSpecFile(join(SPECS, file)), { docs: [] }).model, 'spec');
    const v2010 = reach(load('twilio_api_v2010.subset.json'), { realAccount: true, account: LOCAL_ACCOUNT });
    expect(v2010.notSent.get('CreateMessage')).toMatch(/costs money/);
    expect(v2010.notSent.get('CreateAccount')).toMatch(/could never be removed/);
    expect(v2010.notSent.get('UpdateMessage')).toMatch(/needs an item .* CreateMessage is not sent/);
    // Offline, the reference provider takes them all: nothing there is real.
    expect(
      reach(load('twilio_api_v2010.subset.json'), { realAccount: false, account: LOCAL_ACCOUNT }).notSent
        .size,
    ).toBe(0);
    const conversations = reach(load('twilio_conversations_v1.subset.json'), {
      realAccount: false,
      account: LOCAL_ACCOUNT,
    });
    expect(conversations.notSent.get('UpdateConfiguration')).toMatch(/account-wide configuration/);
    expect(conversations.notSent.get('CreateConversationScopedWebhook')).toMatch(/carry the run's tag/);
    expect(conversations.notSent.get('DeleteConversationScopedWebhook')).toMatch(/needs an item/);
  });
});

describe('a read under a nested list the run cannot fill (Sync v1: Services, Documents, their permissions)', () => {
  it('is read under parents the run did not make, when those it made hold nothing there', async () => {
    // No create of the spec makes a document's permission: the run's own services and documents hold
    // none, so the permission's list and fetch are read under the provider's other documents.
    const { report, results } = await runSubset('twilio_sync_v1.subset.json');
    const fetch = 'GET /v1/Services/{ServiceSid}/Documents/{DocumentSid}/Permissions/{Identity}';
    expect(results.filter((r) => r.operation === fetch && r.rule === 'response.schema')).toEqual([
      expect.objectContaining({ outcome: 'passed' }),
    ]);
    expect(report.coverage.unjudged).toEqual([]);
  }, 120_000);
});

describe('a read whose path mixes values a list supplies and values none does (Flex v1: Interactions)', () => {
  it('is read under the listed items, the other values those the provider holds', async () => {
    // No list of interactions: an interaction's Sid is no list's; its channels are listed; a transfer's
    // Sid again is no list's. The transfer's fetch takes the channels listed and the provider's values.
    const { report, results } = await runSubset('twilio_flex_v1.subset.json', ['--read-only']);
    const fetch = 'GET /v1/Interactions/{InteractionSid}/Channels/{ChannelSid}/Transfers/{Sid}';
    expect(results.filter((r) => r.operation === fetch && r.rule === 'response.schema')).toEqual([
      expect.objectContaining({ outcome: 'passed' }),
    ]);
    expect(report.coverage.unjudged).toEqual([]);
  }, 120_000);
});

describe('a create whose list names its items by no id (Marketplace v1: Listings, beside InstalledAddOns)', () => {
  it('the lifecycle model follows only items it can name: exit 0 with writes, the model judged', async () => {
    // A listing's list documents its items as bare objects: the model, which follows items by id,
    // takes no command from its create; the installed add-ons' creates, updates and deletes it judges.
    const { results } = await runSubset('twilio_marketplace_v1.subset.json');
    expect(results.find((r) => r.rule === 'write.lifecycle-model')?.outcome).toBe('passed');
  }, 120_000);
});

describe("a send whose path names an item, whose answer belongs to none of its lists (Notify v1: a service's notifications)", () => {
  it("nothing sent is expected among the named item's other lists: exit 0, send-effect judged", async () => {
    // A notification names its service; the service's bindings are no collection of notifications
    // (and have no field for a body or a title): nothing sent is expected among them.
    const { results } = await runSubset('twilio_notify_v1.subset.json');
    expect(results.find((r) => r.rule === 'write.send-effect')?.outcome).toBe('passed');
  }, 120_000);
});

describe("a send whose answer belongs to no list beneath what it names (Verify v2: a service's access tokens, passkey factors)", () => {
  it("stores nothing among the named item's other lists: exit 0 with writes, the entities valid, send-effect judged", async () => {
    // An access token (YK…) and a passkey factor (YF…) name their service; the only list beneath a
    // service here is its entities (YE…), which neither belongs to: nothing sent is stored there.
    const { report, results } = await runSubset('twilio_verify_v2.sends.subset.json');
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const sends = results.filter((r) => r.rule === 'write.send-effect');
    expect(sends.map((r) => [r.operation, r.outcome])).toEqual([
      ['POST /v2/Services/{ServiceSid}/AccessTokens', 'passed'],
      ['POST /v2/Services/{ServiceSid}/Passkeys/Factors', 'passed'],
    ]);
  }, 120_000);
});

describe('a list keyed by two-letter country codes (Voice v1: dialing permissions, their high-risk prefixes)', () => {
  it('never holds more items than the id field has values: pagination judged and passed, exit 0 read-only', async () => {
    // `iso_code` is an ISO country code: 676 values. The chaining property's walks (1000 items among
    // them) ask for no more than that, and the reference provider makes no more: no id repeats, every
    // listed country is fetched, and the prefixes under a listed country are served.
    const { report, results } = await runSubset('twilio_voice_v1.subset.json', ['--read-only'], 4);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const pagination = results.filter((r) => r.rule.startsWith('pagination.'));
    expect(pagination.map((r) => `${r.rule} ${r.operation} ${r.outcome}`)).toEqual(
      expect.arrayContaining([
        'pagination.chaining GET /v1/DialingPermissions/Countries passed',
        'pagination.fetch-list-agreement GET /v1/DialingPermissions/Countries passed',
        'pagination.chaining GET /v1/DialingPermissions/Countries/{IsoCode}/HighRiskSpecialPrefixes passed',
        'pagination.page-size-bounds GET /v1/DialingPermissions/Countries/{IsoCode}/HighRiskSpecialPrefixes passed',
      ]),
    );
  }, 120_000);
});

describe('a fetch paired with a list whose items name no id (Monitor v2: Alarms)', () => {
  it('is read at the value the provider holds for it, and answered 200 there: exit 0 read-only', async () => {
    // An alarm's list documents no `sid` (its items carry alertConfigSid): no list supplies the
    // fetch's {Sid}; the reference provider serves the item at the one value it holds for it.
    const { results } = await runSubset('twilio_monitor_v2.subset.json', ['--read-only']);
    const statuses = results.filter(
      (r) => r.operation === 'GET /v2/Alarms/{Sid}' && r.rule === 'response.status',
    );
    expect(statuses.map((r) => r.outcome)).toEqual(['passed']);
    expect(
      results.find((r) => r.operation === 'GET /v2/Alarms/{Sid}' && r.rule === 'fetch.unknown-id')?.outcome,
    ).toBe('passed');
  }, 120_000);
});
