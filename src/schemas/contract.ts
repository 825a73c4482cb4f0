// The resolved contract: what a response must satisfy when the sources disagree, decided per
// constraint, not per field.
//  - A constraint only one source states is enforced: breaking it is an error naming that source
//    (the docs table is silent on date_created; the spec's format date-time holds).
//  - Where both sources constrain the same keyword differently, a value that satisfies one of them
//    is a warning naming both (a real aia_asst_<uuid> fails the docs' ^aia_asst_*$ and passes the
//    spec's ^aia_asst_.+$); a value that satisfies neither is an error naming both.
// Conformance, traffic drift, the HTML drift section and the Pact matchers all read this one class.

import { UsageError } from '../errors';
import type { Severity } from '../finding';
import { unescapePointer } from '../json';
import { CONSTRAINT_KEYWORDS, type JsonSchema, mergeSilent, type Provenance } from '../model/json-schema';
import type { ApiModel } from '../model/model';
import { instanceSchema, type Operation, ORIGIN_LABEL, ORIGINS, type Origin } from '../model/operation';
import type { WriteOperation } from '../model/writes';
import { ERROR_FILE, loadModel, type SchemaRole, schemaFile, schemaIdOf } from './files';
import type { ContractMode } from './ids';
import { writeSchemaFile } from './ids';
import { VALIDATORS_DIR } from './standalone';
import { SchemaValidator, type Violation } from './validator';

export { CONTRACT_MODES, type ContractMode } from './ids';

export interface ResolvedViolation extends Violation {
  severity: Severity;
  /** Where the broken constraint comes from: "openapi spec", "docs table", "twilio convention", or two joined by " and ". */
  source: string;
}

/** One source's schema for a body, and the id it is compiled under. */
interface Root {
  origin: Origin;
  schema: JsonSchema;
  id: string;
}

/** A source "states" a constraint when its schema has one of these keywords there. */
const STATED = new Set<string>(CONSTRAINT_KEYWORDS);

export class Contract {
  readonly validator: SchemaValidator;
  private readonly errorId = schemaIdOf(ERROR_FILE);

  constructor(
    readonly model: ApiModel,
    readonly mode: ContractMode = 'both',
    /** Where validators compiled by the build are looked for (null: compiled here, always). */
    validatorsDir: string | null = VALIDATORS_DIR,
  ) {
    this.validator = SchemaValidator.of(contractSchemas(model), validatorsDir);
  }

  get writes(): WriteOperation[] {
    return this.model.writes;
  }

  /**
   * A write's request body, or its 2xx body, against each source's schema (the spec's, a docs
   * page's), resolved constraint by constraint as a read's body is: what no source it is read from
   * accepts is an error, and only errors are returned (callers refuse or fail on every violation; a
   * value one source accepts where the sources disagree is left to triangulation). A write no source
   * describes apart (an older schemas folder) is checked against its merged schema.
   */
  validateWrite(w: WriteOperation, role: 'request' | 'response', body: unknown): ResolvedViolation[] {
    const roots: Root[] = this.writeOriginsFor(w, role).map((o) => ({
      origin: o,
      schema: w.sources?.[o]?.[role] as JsonSchema,
      id: schemaIdOf(schemaFile(o, w, role)),
    }));
    const merged = w[role];
    if (roots.length === 0 && merged)
      roots.push({ origin: 'openapi', schema: merged, id: schemaIdOf(writeSchemaFile(w, role)) });
    return this.resolve(roots, body).filter((v) => v.severity === 'error');
  }

  /** The origins this contract reads among those that describe something: the mode's, or all there are. */
  private chosen(have: readonly Origin[]): Origin[] {
    const wanted = this.mode === 'docs' ? ['docs'] : this.mode === 'spec' ? ['openapi'] : ORIGINS;
    const chosen = have.filter((o) => wanted.includes(o));
    return chosen.length ? chosen : [...have];
  }

  static load(
    schemasDir: string,
    mode: ContractMode,
    validatorsDir: string | null = VALIDATORS_DIR,
  ): Contract {
    const contract = new Contract(loadModel(schemasDir), mode, validatorsDir);
    contract.compileAll((file) => `${schemasDir}/${file}`);
    return contract;
  }

  /**
   * Compiles every schema now, so one that cannot compile is one line at start-up naming it
   * (`where` turns its file name into what the line shows), not a crash mid-run.
   */
  compileAll(where: (file: string) => string = (file) => file): void {
    const files: string[] = [];
    for (const op of this.model.operations)
      for (const origin of ORIGINS)
        for (const role of ['response', 'query', 'path'] as const)
          if (op.schemas[origin]?.[role]) files.push(schemaFile(origin, op, role));
    for (const w of this.model.writes)
      for (const role of ['request', 'response'] as const)
        if (w[role]) files.push(schemaFile('openapi', w, role));
    for (const file of files) {
      try {
        this.validator.check(schemaIdOf(file));
      } catch (error) {
        throw new UsageError(`${where(file)}: does not compile (${(error as Error).message.split('\n')[0]})`);
      }
    }
  }

  get operations(): Operation[] {
    return this.model.operations;
  }

  /** The sources this contract reads for an operation: the mode's, or whichever source covers it. */
  originsFor(op: Operation): Origin[] {
    return this.chosen(ORIGINS.filter((o) => op.schemas[o] !== undefined));
  }

  /** The sources this contract reads for a write's request or response. */
  writeOriginsFor(w: WriteOperation, role: 'request' | 'response'): Origin[] {
    return this.chosen(ORIGINS.filter((o) => w.sources?.[o]?.[role] !== undefined));
  }

  schemaOf(op: Operation, origin: Origin, role: SchemaRole = 'response'): JsonSchema | undefined {
    return op.schemas[origin]?.[role];
  }

  /** A 200 body checked against every source this contract reads, resolved constraint by constraint. */
  validate(op: Operation, body: unknown, role: SchemaRole = 'response'): ResolvedViolation[] {
    const roots = this.originsFor(op).flatMap((origin): Root[] => {
      const schema = op.schemas[origin]?.[role];
      return schema ? [{ origin, schema, id: schemaIdOf(schemaFile(origin, op, role)) }] : [];
    });
    return this.resolve(roots, body);
  }

  /**
   * One body against several sources' schemas: a violation of a constraint only its source states is
   * an error naming that source; one another source states differently and the body satisfies is a
   * warning naming both; one every stating source's constraint breaks is an error naming them all.
   */
  private resolve(roots: readonly Root[], body: unknown): ResolvedViolation[] {
    const found = new Map<Origin, readonly Violation[]>();
    for (const r of roots) found.set(r.origin, this.validator.validate(r.id, body));
    const rootOf = (o: Origin) => roots.find((r) => r.origin === o)?.schema;
    const out = new Map<string, ResolvedViolation>();
    for (const { origin, schema: root } of roots) {
      for (const v of found.get(origin) ?? []) {
        const key = `${v.pointer}\u0000${v.keyword}`;
        if (out.has(key)) continue;
        const same = (w: Violation) => w.pointer === v.pointer && w.keyword === v.keyword;
        const mine = labelOf(root, v);
        const stating = roots
          .map((r) => r.origin)
          .filter((o) => o !== origin && states(rootOf(o), v.pointer, v.keyword));
        const alsoBroken = stating.filter((o) => (found.get(o) ?? []).some(same));
        if (stating.length > alsoBroken.length) {
          const others = stating.filter((o) => !alsoBroken.includes(o)).map((o) => ORIGIN_LABEL[o]);
          out.set(key, {
            ...v,
            severity: 'warning',
            source: [mine, ...others].join(' and '),
            message: `${v.message} per the ${mine}, but satisfies the ${others.join(', ')}: the sources disagree here`,
          });
          continue;
        }
        const labels = [mine, ...alsoBroken.map((o) => labelOf(rootOf(o) as JsonSchema, v))];
        const source = [...new Set(labels)].join(' and ');
        // Broken in several sources: each one's own constraint is shown, not only the first.
        const expected = alsoBroken.length
          ? Object.fromEntries(
              [origin, ...alsoBroken].map((o) => [
                ORIGIN_LABEL[o],
                (found.get(o) ?? []).find(same)?.expected,
              ]),
            )
          : v.expected;
        const shown = alsoBroken.length ? ` ${JSON.stringify(expected)}` : '';
        out.set(key, {
          ...v,
          expected,
          severity: 'error',
          source,
          message: `${v.message} (${source})${shown}`,
        });
      }
    }
    return [...out.values()];
  }

  /** An error body checked against Twilio's error schema. */
  validateError(body: unknown): ResolvedViolation[] {
    const source = labelOf(this.model.error, { pointer: '', keyword: 'type' } as Violation);
    return this.validator
      .validate(this.errorId, body)
      .map((v) => ({ ...v, severity: 'error' as const, source, message: `${v.message} (${source})` }));
  }

  /** Each documented field of the operation's instances, with the sources that document it. */
  documentedFields(op: Operation): Map<string, string[]> {
    const fields = new Map<string, string[]>();
    for (const origin of this.originsFor(op)) {
      for (const name of Object.keys(instanceSchema(op, origin)?.properties ?? {}))
        fields.set(name, [...(fields.get(name) ?? []), ORIGIN_LABEL[origin]]);
    }
    return fields;
  }

  /** Fields of the list page's envelope (and its meta) that some source documents. */
  envelopeFields(op: Operation): { page: Set<string>; meta: Set<string> } {
    const page = new Set<string>();
    const meta = new Set<string>();
    for (const origin of this.originsFor(op)) {
      const schema = op.schemas[origin]?.response;
      for (const name of Object.keys(schema?.properties ?? {})) page.add(name);
      for (const name of Object.keys(schema?.properties?.meta?.properties ?? {})) meta.add(name);
    }
    return { page, meta };
  }

  sourceCount(op: Operation): number {
    return this.originsFor(op).length;
  }

  /** The operation's schema for a role as the contract resolves it (see resolveSchemas). */
  resolved(op: Operation, role: SchemaRole = 'response'): JsonSchema | undefined {
    return this.originsFor(op)
      .map((o) => op.schemas[o]?.[role])
      .reduce<JsonSchema | undefined>((acc, s) => resolveSchemas(acc, s), undefined);
  }

  /** A write's request or answer as the contract resolves it across its sources (see resolveSchemas). */
  resolvedWrite(w: WriteOperation, role: 'request' | 'response'): JsonSchema | undefined {
    const origins = this.writeOriginsFor(w, role);
    if (origins.length === 0) return w[role];
    return origins
      .map((o) => w.sources?.[o]?.[role])
      .reduce<JsonSchema | undefined>((acc, s) => resolveSchemas(acc, s), undefined);
  }

  /**
   * One schema per operation that every value the contract accepts without error satisfies: each
   * constraint only one source states, plus, where both state one, the spec's (what real providers
   * send). The reference provider generates its data from it and the Pact matchers are built from it.
   */
  merged(op: Operation): JsonSchema {
    const origins = this.originsFor(op);
    const [first, ...rest] = [...origins].sort((a, b) => (a === 'openapi' ? -1 : b === 'openapi' ? 1 : 0));
    let out = first ? (op.schemas[first]?.response as JsonSchema) : { type: 'object' };
    for (const o of rest) out = mergeSilent(out, op.schemas[o]?.response as JsonSchema);
    return out;
  }
}

/**
 * Two sources' schemas resolved constraint by constraint into what the contract accepts without
 * error: a constraint one source states holds; where both state one differently, a value that
 * satisfies either passes (patterns kept as x-any-pattern alternatives, the looser bound, the union
 * of types and enums, a disputed format dropped).
 */
export function resolveSchemas(a: JsonSchema | undefined, b: JsonSchema | undefined): JsonSchema | undefined {
  if (!a || !b) return a ?? b;
  const out: JsonSchema = { ...a };
  const rec = out as Record<string, unknown>;
  const other = b as Record<string, unknown>;
  for (const k of STATED) {
    const x = rec[k];
    const y = other[k];
    if (y === undefined || JSON.stringify(x) === JSON.stringify(y)) continue;
    if (x === undefined) {
      rec[k] = y;
      continue;
    }
    if (k === 'pattern') {
      delete rec.pattern;
      out['x-any-pattern'] = [x, y];
    } else if (k === 'format') delete rec.format;
    else if (k === 'minimum' || k === 'minLength' || k === 'minItems' || k === 'exclusiveMinimum')
      rec[k] = Math.min(x as number, y as number);
    else if (k === 'maximum' || k === 'maxLength' || k === 'maxItems' || k === 'exclusiveMaximum')
      rec[k] = Math.max(x as number, y as number);
    else if (k === 'type')
      rec.type = [...new Set([...(Array.isArray(x) ? x : [x]), ...(Array.isArray(y) ? y : [y])])];
    else if (k === 'enum')
      rec.enum = [...new Set([...(x as unknown[]), ...(y as unknown[])])] as JsonSchema['enum'];
    else delete rec[k];
  }
  if (a.properties || b.properties) {
    out.properties = { ...(a.properties ?? {}) };
    for (const [name, s] of Object.entries(b.properties ?? {}))
      out.properties[name] = resolveSchemas(out.properties[name], s) as JsonSchema;
  }
  if (a.items || b.items) out.items = resolveSchemas(a.items, b.items) as JsonSchema;
  if (a.required || b.required) out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return out;
}

/** Every schema a contract of this model validates with, each under its $id, in a fixed order. */
export function contractSchemas(model: ApiModel): JsonSchema[] {
  const schemas: JsonSchema[] = [];
  for (const op of model.operations) {
    for (const origin of ORIGINS) {
      const s = op.schemas[origin];
      if (!s) continue;
      for (const role of ['response', 'query', 'path'] as const) {
        const schema = s[role];
        if (schema) schemas.push(withId(schema, schemaIdOf(schemaFile(origin, op, role))));
      }
    }
  }
  for (const w of model.writes)
    for (const role of ['request', 'response'] as const) {
      const schema = w[role];
      if (schema) schemas.push(withId(schema, schemaIdOf(writeSchemaFile(w, role))));
      for (const origin of ORIGINS) {
        const own = w.sources?.[origin]?.[role];
        if (own) schemas.push(withId(own, schemaIdOf(schemaFile(origin, w, role))));
      }
    }
  schemas.push(withId(model.error, schemaIdOf(ERROR_FILE)));
  return schemas;
}

function withId(schema: JsonSchema, $id: string): JsonSchema {
  return schema.$id === $id ? schema : { ...schema, $id };
}

/** The schema node that governs the value at an instance pointer, if the schema reaches it. */
export function schemaAt(root: JsonSchema | undefined, pointer: string): JsonSchema | undefined {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    if (!node) return undefined;
    const part = unescapePointer(raw);
    if (node.properties && Object.hasOwn(node.properties, part)) node = node.properties[part];
    else if (node.items && /^\d+$/.test(part)) node = node.items;
    else return undefined;
  }
  return node;
}

/** Does this schema constrain the value at `pointer` with `keyword`? */
function states(root: JsonSchema | undefined, pointer: string, keyword: string): boolean {
  if (keyword === 'required') {
    const parent = pointer.slice(0, pointer.lastIndexOf('/'));
    const name = unescapePointer(pointer.slice(pointer.lastIndexOf('/') + 1));
    return schemaAt(root, parent)?.required?.includes(name) ?? false;
  }
  if (!STATED.has(keyword)) return true;
  const node = schemaAt(root, pointer);
  return node !== undefined && (node as Record<string, unknown>)[keyword] !== undefined;
}

/** The source a constraint comes from, by the provenance of the node that states it. */
function labelOf(root: JsonSchema, v: Pick<Violation, 'pointer' | 'keyword'>): string {
  const at = v.keyword === 'required' ? v.pointer.slice(0, v.pointer.lastIndexOf('/')) : v.pointer;
  const node = schemaAt(root, at) ?? root;
  return provenanceLabel(node['x-source'] ?? root['x-source']);
}

export function provenanceLabel(src: Provenance | Provenance[] | undefined): string {
  const all = Array.isArray(src) ? src : src ? [src] : [];
  if (all.some((p) => p.source === 'docs-table')) return 'docs table';
  if (all.some((p) => p.source === 'openapi')) return 'openapi spec';
  if (all.some((p) => p.source === 'twilio-convention')) return 'twilio convention';
  if (all.some((p) => p.source === 'docs-example')) return 'docs example';
  return 'twilio convention';
}
