/** A view as one JSON document; absent values are `null`, never dropped, so every documented field is always there. */
export function formatViewJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_key, field: unknown) => (field === undefined ? null : field), space);
}
