// A live run against a provider whose list answers one legal-size page (under 5 MB) holding 1.7
// million `{}` items, started as a user starts it (`npm run conformance`): wall time and the peak
// RSS of the command's process (read at its exit by a preloaded hook, the largest over npm and node).

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/sources/paths';
import type { BenchLine } from './line';

const ITEMS = 1_700_000;

export async function benchHugePage(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-huge-'));
  const rss = mkdtempSync(join(tmpdir(), 'bench-huge-rss-'));
  const hook = join(rss, 'hook.cjs');
  writeFileSync(
    hook,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rss)} + '/rss-' + process.pid, String(process.resourceUsage().maxRSS)));\n`,
  );
  const items = `[${Array(ITEMS).fill('{}').join(',')}]`;
  let base = '';
  let huge: string | undefined;
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    // The first collection asked for (no id after it) answers the huge page under its items key,
    // the others an empty page.
    const top = /^\/v1\/([A-Za-z]+)$/.exec(path);
    if (top?.[1]) {
      huge ??= path;
      const key = top[1].toLowerCase();
      const url = `${base}${path}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        `{"${key}":${huge === path ? items : '[]'},"meta":{"key":"${key}","page":0,"page_size":50,"url":"${url}","first_page_url":"${url}","next_page_url":null,"previous_page_url":null}}`,
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      '{"code":20404,"message":"not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}',
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      'npm',
      [
        'run',
        '-s',
        'conformance',
        '--',
        '--target',
        'live',
        '--base-url',
        base,
        '--allow-unjudged',
        '--report-dir',
        dir,
      ],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          NODE_OPTIONS: `--require ${hook}`,
          TWILIO_ACCOUNT_SID: `AC${'be'.repeat(16)}`,
          TWILIO_AUTH_TOKEN: 'bench-huge',
        },
        stdio: 'ignore',
      },
    );
    child.on('close', resolve);
  });
  const wall = performance.now() - started;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  const peakKb = Math.max(
    ...readdirSync(rss)
      .filter((f) => f.startsWith('rss-'))
      .map((f) => Number(readFileSync(join(rss, f), 'utf8'))),
  );
  const reports = readdirSync(dir).filter((f) => f === 'conformance.json').length;
  return [
    {
      name: `live run, one page of ${ITEMS.toLocaleString('en')} items, wall (exit ${code}, report ${reports ? 'written' : 'MISSING'})`,
      value: Math.round(wall),
      unit: 'ms',
      goal: '≤ 90000',
    },
    {
      name: `the same run (${huge ?? 'no list asked for'}), peak RSS`,
      value: Math.round(peakKb / 1024),
      unit: 'MB',
      goal: '< 1000',
    },
  ];
}
