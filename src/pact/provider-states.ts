// Provider states, satisfied the same way on any provider: by reading existing data through the
// GET-only transport. Only the local reference provider can also be told how many sessions to hold.
// Values a real provider makes up (ids, signed PageTokens) are returned for fromProviderState.

import type { RunningProvider } from '../provider/server';
import type { HttpTransport } from '../transport/http';

type Params = Record<string, unknown> | undefined;
type Json = Record<string, unknown>;

export class ProviderStateError extends Error {}

export function stateHandlers(transport: HttpTransport, local?: RunningProvider) {
  const list = async (url: string): Promise<Json> => {
    const exchange = await transport.get(url);
    const status = exchange.response?.status;
    if (status !== 200)
      throw new ProviderStateError(`GET ${url} answered ${status ?? exchange.error?.message}`);
    return JSON.parse(exchange.response?.body ?? '{}') as Json;
  };
  const meta = (page: Json) => (page.meta ?? {}) as Json;
  const items = (page: Json) => (page[String(meta(page).key)] ?? []) as Json[];

  /** The last page of the list at some PageSize, reached by following next_page_url (page ≥ 1). */
  const lastPage = async (): Promise<Json> => {
    let page = await list('/v1/Sessions?PageSize=1000');
    let total = items(page).length;
    let lastNext: string | undefined;
    for (let walked = 0; typeof meta(page).next_page_url === 'string'; walked++) {
      if (walked > 50) throw new ProviderStateError('more than 50,000 sessions: no last page within budget');
      lastNext = meta(page).next_page_url as string;
      page = await list(lastNext);
      total += items(page).length;
    }
    if (!lastNext) {
      if (total < 2)
        throw new ProviderStateError(`"sessions exist" needs at least 2 sessions, the provider has ${total}`);
      lastNext = meta(await list(`/v1/Sessions?PageSize=${Math.ceil(total / 2)}`)).next_page_url as string;
    }
    const q = new URL(lastNext, transport.baseUrl).searchParams;
    return { pageSize: q.get('PageSize'), page: q.get('Page'), pageToken: q.get('PageToken') };
  };

  return {
    'sessions exist': async (params: Params) => {
      if (local && typeof params?.count === 'number') local.setSessionCount(params.count);
      return lastPage();
    },
    'a session exists': async () => {
      if (local) local.setSessionCount(3);
      const first = items(await list('/v1/Sessions?PageSize=1'))[0];
      if (typeof first?.id !== 'string')
        throw new ProviderStateError('"a session exists": the provider lists no session');
      return { id: first.id };
    },
    'no session': async (params: Params) => ({ id: params?.id ?? 'sess_unknown' }),
  };
}
