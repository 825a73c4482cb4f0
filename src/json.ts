// The one "is this a plain JSON object" test, for every stage that walks parsed JSON.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
