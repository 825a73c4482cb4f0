// The real twilio-node client (5.x), pointed at any base URL. twilio-node has no base-URL option,
// so its HTTP client swaps Twilio's origin for the target on every request, including the absolute
// next_page_url it follows. No library patching.

import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

/** Any host Twilio serves an API on (https://<product>.twilio.com). */
const TWILIO_ORIGIN = /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*\.twilio\.com(?=\/|$)/;

export interface SentRequest {
  method: string;
  url: string;
  params: Record<string, unknown>;
  /** A write's body, as twilio-node hands it to the transport. */
  data?: unknown;
}

export class HostSwappingClient extends twilio.RequestClient {
  /** Every request the client made, as sent (URL after the swap, query params), no credentials. */
  readonly sent: SentRequest[] = [];

  /** `origin`: the API's (ApiInfo.origin); by default any twilio.com host is swapped. */
  constructor(
    private readonly target: string,
    private readonly origin?: string,
  ) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const from = this.origin ?? TWILIO_ORIGIN.exec(opts.uri)?.[0];
    const uri =
      from && opts.uri.startsWith(from)
        ? this.target.replace(/\/+$/, '') + opts.uri.slice(from.length)
        : opts.uri;
    this.sent.push({
      method: String(opts.method).toUpperCase(),
      url: uri,
      params: { ...(opts.params ?? {}) },
      ...(opts.data !== undefined ? { data: opts.data } : {}),
    });
    return super.request<TData>({ ...opts, uri });
  }
}
