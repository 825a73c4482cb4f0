// Faults in the exchange itself, whatever the operation: what networks, proxies and overloaded
// providers do (a reset, a body that never ends, an HTML error page, 429s, a body of the wrong
// encoding or size), and answers of the wrong status, content type or shape.

import { successStatus } from '../../model/operation';
import { type ProviderResponse, type Route, twilioError } from '../http';
import { answering, type Fault, takingOver } from './fault';
import { always } from './fields';

const served = (route: Route) => route === 'list' || route === 'fetch';
const html = (status: number, page: string): ProviderResponse => ({
  status,
  headers: { 'content-type': 'text/html' },
  body: `<html><body>${page}</body></html>`,
});
const tooMany = (headers: Record<string, string>): ProviderResponse => ({
  ...twilioError(429, 20429, 'Too Many Requests'),
  headers: { 'content-type': 'application/json', ...headers },
});

const answers: readonly Fault[] = [
  {
    name: 'html-404',
    description: 'an unknown id gets a proxy HTML 404 page instead of a Twilio error body',
    caughtBy: 'fetch.unknown-id',
    appliesTo: (op) => op.pathParams.length > 0,
    wrap: answering((r, route) => (route === 'not-found' ? html(404, '<h1>404 Not Found</h1>') : r)),
  },
  {
    name: 'no-auth',
    description: 'requests without credentials are served (401 not enforced)',
    caughtBy: 'auth.required',
    appliesTo: always,
    wrap: (h) => (call) => h({ ...call, authorised: true }),
  },
  {
    name: 'wrong-content-type',
    description: 'JSON bodies are sent as text/plain',
    caughtBy: 'response.content-type',
    appliesTo: always,
    wrap: answering((r) => ({
      ...r,
      headers: { ...r.headers, 'content-type': 'text/plain; charset=utf-8' },
    })),
  },
  {
    name: 'truncated-json',
    description: 'the body is cut off mid-document (a proxy buffer limit)',
    caughtBy: 'response.json',
    appliesTo: always,
    wrap: answering((r, route) =>
      served(route) ? { ...r, body: r.body.slice(0, Math.floor(r.body.length / 2)) } : r,
    ),
  },
  {
    name: 'status-202',
    description: 'the operation answers 202 Accepted instead of 200',
    caughtBy: 'response.status',
    appliesTo: always,
    wrap: answering((r, route) => (served(route) ? { ...r, status: 202 } : r)),
  },
  {
    name: 'undocumented-media-type',
    description:
      'a read whose spec documents another JSON media type (application/scim+json) answers application/json',
    caughtBy: 'response.content-type',
    appliesTo: (op) => op.media !== undefined,
    wrap: answering((r, route) =>
      served(route)
        ? { ...r, headers: { ...r.headers, 'content-type': 'application/json; charset=utf-8' } }
        : r,
    ),
  },
  {
    name: 'redirect-followed',
    description:
      'a read whose spec documents a redirect (302, 307) answers 200 with its body, as a gateway that follows it would',
    caughtBy: 'response.status',
    appliesTo: (op) => successStatus(op) >= 300,
    wrap: answering((r, route) => (served(route) ? { ...r, status: 200 } : r)),
  },
  {
    name: 'content-type-lies',
    description: 'says application/json but sends an HTML error page with status 200',
    caughtBy: 'response.json',
    appliesTo: always,
    wrap: answering((r, route) => (served(route) ? { ...r, body: '<html><body>Oops</body></html>' } : r)),
  },
];

const network: readonly Fault[] = [
  {
    name: 'reset-mid-body',
    description: 'responses are cut off: the connection closes halfway through the body',
    caughtBy: 'transport.network',
    appliesTo: always,
    wrap: takingOver((res, r) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) });
      res.write(r.body.slice(0, Math.floor(r.body.length / 2)), () => res.socket?.destroy());
    }),
  },
  {
    name: 'never-ending-body',
    description: 'responses send headers and part of the body, then nothing, forever',
    caughtBy: 'transport.timeout',
    appliesTo: always,
    wrap: takingOver((res, r) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(r.body.slice(0, 20));
    }),
  },
  {
    name: 'proxy-502-html',
    description: 'a proxy answers with an HTML 502 Bad Gateway page',
    caughtBy: 'response.status',
    appliesTo: always,
    wrap: answering((r, route) => (served(route) ? html(502, '<h1>502 Bad Gateway</h1>') : r)),
  },
  {
    name: 'proxy-503-html',
    description: 'a proxy answers every request with an HTML 503 page and no Retry-After',
    caughtBy: 'transport.rate-limited',
    appliesTo: always,
    wrap: answering(() => html(503, 'Service Unavailable')),
  },
  {
    name: 'rate-limited',
    description: 'every request gets 429 with Retry-After: 1',
    caughtBy: 'transport.rate-limited',
    appliesTo: always,
    wrap: answering(() => tooMany({ 'retry-after': '1' })),
  },
  {
    name: 'rate-limited-no-retry-after',
    description: 'every request gets 429 without Retry-After',
    caughtBy: 'transport.rate-limited',
    appliesTo: always,
    wrap: answering(() => tooMany({})),
  },
  {
    name: 'huge-body',
    description: 'responses carry 8 MB of padding',
    caughtBy: 'transport.too-large',
    appliesTo: always,
    wrap: answering((r, route) =>
      served(route)
        ? { ...r, body: `${r.body.slice(0, -1)},"padding":"${'x'.repeat(8 * 1024 * 1024)}"}` }
        : r,
    ),
  },
  {
    name: 'invalid-utf8',
    description: 'bodies carry bytes that are not UTF-8 (a Latin-1 character)',
    caughtBy: 'response.encoding',
    appliesTo: always,
    wrap: takingOver((res, r) => {
      const body = Buffer.concat([Buffer.from(r.body.slice(0, -1)), Buffer.from(',"x":"\xff"}', 'latin1')]);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    }),
  },
];

export const TRANSPORT_FAULTS: readonly Fault[] = [...answers, ...network];
