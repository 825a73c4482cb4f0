// Instance validations per second: the project's validator against raw ajv, same schema, same run.

import { Ajv2020 } from 'ajv/dist/2020.js';
import { Contract } from '../src/schemas/contract';
import { schemaFile, schemaIdOf } from '../src/schemas/files';
import { generate } from '../src/schemas/generate';
import { addFormats } from '../src/schemas/validator';
import type { BenchLine } from './line';

export async function benchValidation(schemasDir: string): Promise<BenchLine[]> {
  const contract = Contract.load(schemasDir, 'both');
  const op = contract.operations.find((o) => o.kind === 'instance' && o.schemas.openapi);
  if (!op) return [];
  const id = schemaIdOf(schemaFile('openapi', op, 'response'));
  const project = contract.validator;
  const raw = new Ajv2020({ allErrors: true, strict: false });
  addFormats(raw);
  const { $id: _id, ...schema } = op.schemas.openapi?.response ?? {};
  const rawValidate = raw.compile(schema as object);
  // Valid instances of the operation, generated from its schema as the reference provider does: the
  // valid path is what a conforming provider exercises.
  const sessions = Array.from({ length: 1000 }, (_, i) => generate(contract.merged(op), 7000 + i, 'item'));
  if (!sessions.every((v) => rawValidate(v))) throw new Error(`generated ${op.id} instances do not validate`);
  const rounds = 7;
  const perRound = 200_000;
  const rate = (fn: (v: unknown) => unknown) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) fn(sessions[i % sessions.length]);
    return perRound / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  const ours: number[] = [];
  const theirs: number[] = [];
  rate((v) => project.validate(id, v));
  rate(rawValidate);
  // Interleaved rounds so both see the same machine state; medians reported.
  for (let r = 0; r < rounds; r++) {
    ours.push(rate((v) => project.validate(id, v)));
    theirs.push(rate(rawValidate));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const o = median(ours);
  const t = median(theirs);
  return [
    { name: `${op.id} validations/s (project validator)`, value: Math.round(o), unit: 'ops/s' },
    { name: `${op.id} validations/s (raw ajv)`, value: Math.round(t), unit: 'ops/s' },
    {
      name: 'project validator vs raw ajv',
      value: Number(((o / t) * 100).toFixed(1)),
      unit: '%',
      goal: '≥ 90',
    },
  ];
}
