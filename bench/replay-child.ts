// The floor of a writing run, in a process of its own like the run's (`node bench/replay-child.ts FILE
// BASE_URL`; node strips the types, nothing is imported but node's own): exactly the requests the run
// sent, in the run's order, one after another on one kept-alive connection, nothing judged. A request
// the run sent once an item's processing had ended, and that names that item, is held until the item's
// processing has ended here too (its answer would otherwise not be the one the run got): the one wait
// no client can skip. Prints {ms, waitedMs, mismatches}: statuses that differ from the run's.

import { readFileSync } from 'node:fs';
import http from 'node:http';

interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body, base64. */
  body: string;
  status: number;
  /** Sent after the processing of the item made by request `after` had ended: held until it has here. */
  after?: number;
}

const [file, base] = process.argv.slice(2);
const { requests, processingMs } = JSON.parse(readFileSync(file as string, 'utf8')) as {
  requests: Recorded[];
  processingMs: number;
};
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const started = performance.now();
const answeredAt = new Map<number, number>();
let waitedMs = 0;
let mismatches = 0;

function send(r: Recorded): Promise<number> {
  const body = Buffer.from(r.body, 'base64');
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${r.url}`,
      { method: r.method, headers: { ...r.headers, 'content-length': String(body.length) }, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

for (const [k, r] of requests.entries()) {
  const made = r.after === undefined ? undefined : answeredAt.get(r.after);
  const wait = made === undefined ? 0 : made + processingMs - performance.now();
  if (wait > 0) {
    waitedMs += wait;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const status = await send(r);
  answeredAt.set(k, performance.now());
  if (status !== r.status) mismatches++;
}
agent.destroy();
console.log(JSON.stringify({ ms: performance.now() - started, waitedMs, mismatches }));
