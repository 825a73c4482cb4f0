// Which pact interaction a request the verifier sends belongs to, so that what the verification proxy
// finds names it: a literal path names the interactions with that method and path; a path a provider
// state fills names the interaction whose state was set up last.

import { readFileSync } from 'node:fs';
import { isRecord } from '../json';

interface Known {
  description: string;
  method: string;
  path: string;
  /** The path is made by a provider state (`fromProviderState`): the request's path differs from it. */
  fromState: boolean;
  /** Its provider states, each as `name` + params JSON. */
  states: string[];
}

/** The key of one provider state: its name and params, as the state handler is called with them. */
export const stateKey = (name: string, params: unknown): string =>
  `${name}\u0000${JSON.stringify(params ?? {})}`;

function known(file: string): Known[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const interactions = isRecord(doc) && Array.isArray(doc.interactions) ? doc.interactions : [];
  return interactions.filter(isRecord).map((i) => {
    const request = isRecord(i.request) ? i.request : {};
    const generators = isRecord(request.generators) ? request.generators : {};
    const states = Array.isArray(i.providerStates) ? i.providerStates.filter(isRecord) : [];
    return {
      description: String(i.description ?? ''),
      method: String(request.method ?? 'GET').toUpperCase(),
      path: String(request.path ?? '/'),
      fromState: generators.path !== undefined,
      states: states.map((s) => stateKey(String(s.name), s.params)),
    };
  });
}

/** Names the interaction of a request: by its literal path, else by the provider state set up last. */
export class InteractionIndex {
  private readonly all: Known[];
  private last?: string;

  constructor(files: readonly string[]) {
    this.all = files.flatMap(known);
  }

  /** Whether any interaction is given one of these provider states. */
  uses(names: readonly string[]): boolean {
    return this.all.some((k) => k.states.some((key) => names.includes(key.split('\u0000')[0] ?? '')));
  }

  /** Pact set up this provider state: the next requests belong to an interaction that has it. */
  entered(name: string, params: unknown): void {
    this.last = stateKey(name, params);
  }

  /** The interaction's description, quoted, or undefined when no single one fits. */
  name(method: string, path: string): string | undefined {
    const m = method.toUpperCase();
    const literal = this.all.filter((k) => k.method === m && !k.fromState && k.path === path);
    const byState = this.all.filter(
      (k) => k.method === m && this.last !== undefined && k.states.includes(this.last),
    );
    const fits = literal.length === 1 ? literal : byState.length === 1 ? byState : [];
    return fits[0] ? `"${fits[0].description}"` : undefined;
  }
}
