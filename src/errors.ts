// Bad input (flags, env, source files, recordings) is the user's to fix: one line, exit 2.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
