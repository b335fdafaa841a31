// JSON that keeps Dates (cached rows have timestamps). JSON.stringify turns a Date into a string before a replacer
// sees it, so the replacer looks at the holder's original value.
const DATE = "$date";

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, encoded: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE]: raw.toISOString() } : encoded;
  });
}

export function decode<T>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const iso = (value as Record<string, unknown>)[DATE];
      if (keys.length === 1 && typeof iso === "string") return new Date(iso);
    }
    return value;
  }) as T;
}
