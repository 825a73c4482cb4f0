// The real twilio-node client (5.x, the last line with Assistants), pointed at any base URL.
// twilio-node has no base-URL option, so its HTTP client swaps Twilio's Assistants origin for the
// target on every request, including the absolute next_page_url it follows. No library patching.

import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { TWILIO_ASSISTANTS_ORIGIN } from '../model/twilio-conventions';

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

  constructor(private readonly target: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = opts.uri.startsWith(TWILIO_ASSISTANTS_ORIGIN)
      ? this.target.replace(/\/+$/, '') + opts.uri.slice(TWILIO_ASSISTANTS_ORIGIN.length)
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
