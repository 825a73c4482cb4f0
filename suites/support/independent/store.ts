// The stand-in's account: every item as Twilio shows it (its public fields), the links between items
// (attachments, a policy's tool or knowledge source, a session's messages), ids with the documented
// prefixes, and timestamps that move forward.

import { randomUUID } from 'node:crypto';

export type Json = Record<string, unknown>;

/** "aia_asst_00000000-1111-2222-3333-444444444444" is the docs' own example of an id. */
export const newId = (prefix: string): string => `${prefix}${randomUUID()}`;

export const PREFIX = {
  assistant: 'aia_asst_',
  tool: 'aia_tool_',
  knowledge: 'aia_know_',
  policy: 'aia_plcy_',
  feedback: 'aia_fdbk_',
  message: 'aia_msg_',
} as const;

/** What a knowledge source's processing looks like from outside: when it was queued, and its chunks. */
export interface Processing {
  queuedAt: number;
  stuck: boolean;
  chunks: Json[];
}

export class Store {
  readonly assistants = new Map<string, Json>();
  readonly tools = new Map<string, Json>();
  readonly knowledge = new Map<string, Json>();
  readonly policies = new Map<string, Json>();
  /** Which tool or knowledge source a policy belongs to (not a field Twilio shows on the policy). */
  readonly policyOwner = new Map<string, { tool?: string; knowledge?: string }>();
  readonly sessions = new Map<string, Json>();
  readonly messages = new Map<string, Json[]>();
  readonly feedback = new Map<string, Json[]>();
  readonly attachedTools = new Map<string, string[]>();
  readonly attachedKnowledge = new Map<string, string[]>();
  readonly processing = new Map<string, Processing>();
  /** Replies of messages answered asynchronously: when each is there to read. */
  readonly replyDue = new Map<string, number>();
  private last = 0;

  constructor(
    readonly accountSid: string,
    /** Milliseconds a knowledge source takes from QUEUED to COMPLETED. */
    readonly processingMs: number,
    /** The time, in milliseconds (tests may hand in a clock they move). */
    readonly now: () => number = Date.now,
  ) {}

  /** An ISO 8601 instant, never earlier than or equal to the last one handed out. */
  stamp(): string {
    this.last = Math.max(this.now(), this.last + 1);
    return new Date(this.last).toISOString();
  }

  /** Everything the account holds, as plain data, to compare before and after a run. */
  snapshot(): Json {
    const plain = (m: Map<string, unknown>) => Object.fromEntries(m);
    return structuredClone({
      assistants: plain(this.assistants),
      tools: plain(this.tools),
      knowledge: plain(this.knowledge),
      policies: plain(this.policies),
      policyOwner: plain(this.policyOwner),
      sessions: plain(this.sessions),
      messages: plain(this.messages),
      feedback: plain(this.feedback),
      attachedTools: plain(this.attachedTools),
      attachedKnowledge: plain(this.attachedKnowledge),
    });
  }
}

/** Adds `id` to the list under `key`, once. */
export function link(m: Map<string, string[]>, key: string, id: string): void {
  const list = m.get(key) ?? [];
  if (!list.includes(id)) list.push(id);
  m.set(key, list);
}

/** Removes `id` from the list under `key`; whether it was there. */
export function unlink(m: Map<string, string[]>, key: string, id: string): boolean {
  const list = m.get(key) ?? [];
  const i = list.indexOf(id);
  if (i >= 0) list.splice(i, 1);
  return i >= 0;
}
