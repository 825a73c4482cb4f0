// One walk in its own process, so its peak RSS is its own: prints {pages, items, ms, peakRssMb}.

import { walkPages } from '../src/pagination/walker';
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
for await (const page of walkPages(transport, `/v1/Sessions?PageSize=${pageSize}`, {
  itemsKey: 'sessions',
})) {
  pages++;
  items += page.items.length;
}
const ms = performance.now() - started;
console.log(JSON.stringify({ pages, items, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
