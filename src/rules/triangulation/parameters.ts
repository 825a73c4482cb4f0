// Query and path parameters, a docs page against the spec: the same parameters, equally required.

import type { Finding } from '../../finding';
import { at, make, type TriangulationRule } from './finding';
import { described } from './subject';

export const parameterPresence: TriangulationRule = {
  name: 'triangulation.parameter-presence',
  kind: 'triangulation',
  asserts: 'the docs table and the spec document the same parameters, equally required',
  needs: 'operations a docs page and the spec both describe',
  run: (s) => {
    if (!described(s)) return [];
    const out: Finding[] = [];
    for (const role of ['query', 'path'] as const) {
      const d = s.parts.docs?.[role];
      const spec = s.parts.openapi?.[role];
      if (!spec) continue;
      const dp = d?.properties ?? {};
      const sp = spec.properties ?? {};
      for (const name of [...new Set([...Object.keys(dp), ...Object.keys(sp)])]) {
        const a = dp[name];
        const b = sp[name];
        if (!a || !b) {
          out.push(
            make(s, 'triangulation.parameter-presence', {
              severity: 'warning',
              source: a ? 'docs table' : 'openapi spec',
              pointer: `/${role}/${name}`,
              message: `${role} parameter ${name} is only in the ${a ? 'docs table' : 'openapi spec'}`,
              sources: { ...(a ? { 'docs table': at(a) } : {}), ...(b ? { 'openapi spec': at(b) } : {}) },
            }),
          );
          continue;
        }
        const dr = d?.required?.includes(name) ?? false;
        const sr = spec.required?.includes(name) ?? false;
        if (dr !== sr)
          out.push(
            make(s, 'triangulation.parameter-presence', {
              severity: 'warning',
              source: 'docs table and openapi spec',
              pointer: `/${role}/${name}`,
              expected: { 'docs table': dr },
              actual: { 'openapi spec': sr },
              message: `${role} parameter ${name} is ${dr ? 'required' : 'optional'} in the docs table, ${sr ? 'required' : 'optional'} in the openapi spec`,
            }),
          );
      }
    }
    return out;
  },
};
