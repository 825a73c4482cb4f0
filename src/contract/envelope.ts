// Twilio's list envelope rule, shared by the triangulation of docs examples and by the
// conformance checks of live pages: clients read the items from payload[meta.key].

export function itemsKeyProblem(page: unknown): { actual: unknown; expected: string[] } | undefined {
  if (typeof page !== 'object' || page === null || Array.isArray(page)) return undefined;
  const body = page as Record<string, unknown>;
  const meta = body.meta;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const key = (meta as Record<string, unknown>).key;
  const arrays = Object.keys(body).filter((k) => k !== 'meta' && Array.isArray(body[k]));
  if (typeof key === 'string' && arrays.includes(key)) return undefined;
  return { actual: key, expected: arrays };
}
