// One walk in its own process, so its peak RSS is its own: prints {pages, items, ms, peakRssMb}.

import { join } from 'node:path';
import { walkPages } from '../src/rules/pagination/walker';
import { Contract } from '../src/schemas/contract';
import { PROJECT_ROOT } from '../src/sources/paths';
import { HttpTransport } from '../src/transport/http';

const [baseUrl, pageSize, username, password] = process.argv.slice(2);
const transport = new HttpTransport({
  target: 'bench',
  baseUrl: baseUrl as string,
  credentials: { username: username as string, password: password as string },
});
const started = performance.now();
let pages = 0;
let items = 0;
// The first top-level list of the model: the walk is the same for every list.
const list = Contract.load(join(PROJECT_ROOT, 'schemas'), 'both').operations.find(
  (o) => o.kind === 'list' && o.pathParams.length === 0,
);
if (!list) throw new Error('the model has no top-level list');
for await (const page of walkPages(transport, `${list.path}?PageSize=${pageSize}`, {
  itemsKey: list.itemsKey ?? 'items',
})) {
  pages++;
  items += page.items.length;
}
const ms = performance.now() - started;
console.log(JSON.stringify({ pages, items, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
