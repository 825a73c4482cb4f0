import { it } from 'vitest';
import { hostileProxy, writingRun } from './support/hostile';
import { provider } from './support/writes';

it('counts', async () => {
  const p = await provider(3);
  const proxy = await hostileProxy(p.url);
  const t = Date.now();
  const run = await writingRun(proxy.url, process.env.ARGS ? process.env.ARGS.split(' ') : []);
  const by: Record<string, number> = {};
  for (const a of proxy.seen) {
    const k = `${a.method} ${/PageSize=(0|1001|abc)/.test(a.url) ? 'invalid-size ' : ''}${a.path.replace(/\/[a-z]{2}_[a-z]+_[0-9a-zA-Z]+|\/[A-Z]{2}[0-9a-f]{32}|\/conformance-[^/]*/g, '/{id}')}`;
    by[k] = (by[k] ?? 0) + 1;
  }
  if (process.env.OUT) console.log(run.stdout, run.stderr);
  console.log(proxy.seen.length, 'requests', Date.now() - t, 'ms', run.status);
  if (process.env.SHOW)
    console.log(
      Object.entries(by)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${v} ${k}`)
        .join('\n'),
    );
}, 60000);
