// The Node this process runs on against package.json's engines, before anything that needs a newer
// one is loaded: an older Node gets one line saying which it is, which the project needs, and how
// to get it — not a SyntaxError from deep inside a module, or 38 failing tests. Written for any Node
// from 14 on (no import of a name an old Node lacks).

import { readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/** Whether version (x.y.z) satisfies a range of `^x.y.z` and `>=x.y.z` alternatives joined by `||`. */
export function satisfies(version, range) {
  const v = version.replace(/^v/, '').split('.').map(Number);
  const atLeast = (w) => (v[0] !== w[0] ? v[0] > w[0] : v[1] !== w[1] ? v[1] > w[1] : v[2] >= w[2]);
  return range.split('||').some((alt) => {
    const m = /^\s*(\^|>=)\s*(\d+)\.(\d+)\.(\d+)\s*$/.exec(alt);
    if (!m) return false;
    const w = [Number(m[2]), Number(m[3]), Number(m[4])];
    return m[1] === '>=' ? atLeast(w) : v[0] === w[0] && atLeast(w);
  });
}

/** The line to print when this Node is outside the engines, else undefined. */
export function nodeProblem(version = process.version) {
  const engines = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).engines?.node;
  if (!engines || satisfies(version, engines)) return undefined;
  return `this project needs Node ${engines} (package.json engines); this is Node ${version}: run bash .ci/run once (it fetches Node 24 from the npm registry, runs the tests, and prints the PATH line that puts that Node first)`;
}

// Run as a script (npm test's first step): exit 1 with the line on an older Node.
if (process.argv[1] && new URL(`file://${process.argv[1]}`).href === import.meta.url) {
  const problem = nodeProblem();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
