// The terminal of `npm test`: a file and a test only when they failed (vitest's default reporter
// lists every file and every slow test; its live progress in a terminal stays), and every skipped
// test's reason, grouped, before the summary. The JUnit file keeps every test. A reason is the note
// of `ctx.skip(note)`, else the "(skipped: …)" its suite's title ends with
// (suites/support/fixtures.ts); a skip without either says so.

import {
  DefaultReporter,
  type SerializedError,
  type TestCase,
  type TestModule,
  type TestModuleState,
  type TestRunEndReason,
  type TestSuite,
} from 'vitest/node';

const IN_TITLE = /\(skipped: (.+)\)$/;

/** Why a skipped test was skipped. */
export function skipReason(test: TestCase): string {
  const result = test.result();
  if (result.state === 'skipped' && result.note) return result.note;
  for (let at: TestCase | TestSuite | TestModule = test; at.type !== 'module'; at = at.parent) {
    const found = IN_TITLE.exec(at.name)?.[1];
    if (found) return found;
  }
  return test.options.mode === 'todo' ? 'todo' : 'no reason given';
}

/** One line per reason: how many tests, then the files they are in. */
export function skipLines(modules: readonly TestModule[]): string[] {
  const byReason = new Map<string, Map<string, number>>();
  for (const m of modules)
    for (const test of m.children.allTests('skipped')) {
      const files = byReason.get(skipReason(test)) ?? new Map<string, number>();
      files.set(m.relativeModuleId, (files.get(m.relativeModuleId) ?? 0) + 1);
      byReason.set(skipReason(test), files);
    }
  return [...byReason].map(([reason, files]) => {
    const n = [...files.values()].reduce((a, b) => a + b, 0);
    const where = [...files].map(([f, k]) => `${f} ${k}`).join(', ');
    return ` skipped ${n} test${n === 1 ? '' : 's'} (${where}): ${reason}`;
  });
}

export default class QuietReporter extends DefaultReporter {
  protected override printTestModule(module: TestModule): void {
    if (module.state() === 'failed') super.printTestModule(module);
  }

  protected override printTestCase(state: TestModuleState, test: TestCase): void {
    if (test.result().state === 'failed') super.printTestCase(state, test);
  }

  override onTestRunEnd(
    modules: readonly TestModule[],
    errors: readonly SerializedError[],
    reason: TestRunEndReason,
  ): void {
    const lines = skipLines(modules);
    if (lines.length) this.log(['', ...lines].join('\n'));
    super.onTestRunEnd(modules, errors, reason);
  }
}
