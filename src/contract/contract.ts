// The contract a response is checked against when the sources disagree. With `both`, a value that
// satisfies at least one source is a warning naming the disagreement; one that satisfies none is an
// error. Nightly runs stay quiet about known docs/spec disagreements without hiding real defects.

import { loadSchemaSet } from '../derive/schema-files';
import type { SchemaOrigin, SchemaRole, SchemaSet } from '../derive/schema-set';
import { UsageError } from '../errors';
import type { Severity } from '../findings';
import { SchemaValidator, type Violation } from './validator';

export type ContractMode = 'docs' | 'spec' | 'both';
export const CONTRACT_MODES: readonly ContractMode[] = ['docs', 'spec', 'both'];

const LABEL: Record<SchemaOrigin, string> = { docs: 'docs table', openapi: 'openapi spec' };

export interface ResolvedViolation extends Violation {
  severity: Severity;
  /** The sources whose schema this value breaks. */
  brokenIn: string[];
}

export class Contract {
  readonly validator: SchemaValidator;
  readonly origins: SchemaOrigin[];

  constructor(
    readonly mode: ContractMode,
    readonly sets: readonly SchemaSet[],
  ) {
    this.validator = new SchemaValidator(sets);
    const wanted: SchemaOrigin[] =
      mode === 'docs' ? ['docs'] : mode === 'spec' ? ['openapi'] : ['docs', 'openapi'];
    this.origins = wanted.filter((o) => sets.some((s) => s.origin === o));
  }

  static load(schemasDir: string, mode: ContractMode): Contract {
    const contract = new Contract(mode, [
      loadSchemaSet(schemasDir, 'docs'),
      loadSchemaSet(schemasDir, 'openapi'),
    ]);
    // Compile every schema now, so a broken $ref is one line at start-up, not a crash mid-run.
    for (const set of contract.sets) {
      for (const [role, schema] of Object.entries(set.schemas)) {
        try {
          contract.validator.compiledFor(set.origin, role as SchemaRole);
        } catch (error) {
          throw new UsageError(
            `${schemasDir}: ${schema?.$id ?? role} does not compile (${(error as Error).message.split('\n')[0]})`,
          );
        }
      }
    }
    return contract;
  }

  /** The docs set carries the conventions (envelope, error body) the spec leaves out. */
  get primary(): SchemaSet {
    return (this.sets.find((s) => s.origin === this.origins[0]) ?? this.sets[0]) as SchemaSet;
  }

  get itemsKey(): string {
    return this.primary.itemsKey || (this.sets.find((s) => s.itemsKey)?.itemsKey ?? 'items');
  }

  operation(kind: 'fetch' | 'list'): string {
    return `GET ${kind === 'fetch' ? this.primary.fetchPath : this.primary.listPath}`;
  }

  /** Origins that define a schema for this role (error bodies fall back to the docs' convention). */
  private originsFor(role: SchemaRole): SchemaOrigin[] {
    const own = this.origins.filter((o) => this.validator.has(o, role));
    return own.length
      ? own
      : (['docs', 'openapi'] as const).filter((o) => this.validator.has(o, role)).slice(0, 1);
  }

  validate(role: SchemaRole, body: unknown): ResolvedViolation[] {
    const origins = this.originsFor(role);
    const byKey = new Map<string, { violation: Violation; brokenIn: SchemaOrigin[] }>();
    for (const origin of origins) {
      for (const v of this.validator.validate(origin, role, body)) {
        const key = `${v.pointer}\u0000${v.keyword}`;
        const seen = byKey.get(key) ?? byKey.set(key, { violation: v, brokenIn: [] }).get(key);
        seen?.brokenIn.push(origin);
      }
    }
    // A pointer broken under one keyword in one source and another keyword in the other still
    // satisfies neither: count sources per pointer, not per keyword.
    const brokenAt = new Map<string, Set<SchemaOrigin>>();
    for (const { violation, brokenIn } of byKey.values()) {
      const set = brokenAt.get(violation.pointer) ?? new Set();
      for (const o of brokenIn) set.add(o);
      brokenAt.set(violation.pointer, set);
    }
    return [...byKey.values()].map(({ violation, brokenIn }) => {
      const satisfiesNone = (brokenAt.get(violation.pointer)?.size ?? 0) >= origins.length;
      const labels = brokenIn.map((o) => LABEL[o]);
      const others = origins.filter((o) => !brokenIn.includes(o)).map((o) => LABEL[o]);
      const message = satisfiesNone
        ? `${violation.message} (${labels.join(' and ')})`
        : `${violation.message} per the ${labels.join(', ')}, but satisfies the ${others.join(', ')}: the sources disagree here`;
      return { ...violation, severity: satisfiesNone ? 'error' : 'warning', brokenIn: labels, message };
    });
  }

  /** Each documented property of a role's object, with the sources that document it. */
  documentedFields(role: SchemaRole, pointer: string[] = []): Map<string, string[]> {
    const fields = new Map<string, string[]>();
    for (const origin of this.originsFor(role)) {
      let schema = this.validator.schemaOf(origin, role);
      for (const part of pointer) schema = schema?.properties?.[part];
      for (const name of Object.keys(schema?.properties ?? {}))
        fields.set(name, [...(fields.get(name) ?? []), LABEL[origin]]);
    }
    return fields;
  }

  get sourceCount(): number {
    return this.origins.length;
  }
}
