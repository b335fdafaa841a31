// Generators of malformed input for e2e/attack.spec.ts's fuzzer, on a seeded PRNG so a failure replays exactly.
// Written in fast-check's shape (a generator is a function of the random source; oneOf/constant/map compose them)
// so that switching to fast-check, once it is a devDependency, means swapping `Gen<T>` for `fc.Arbitrary<T>` and
// `sample(gen, rng)` for `fc.sample`/`fc.assert` with `{ seed, numRuns }` — the cases below stay as they are.

export type Rng = { next(): number; int(max: number): number; pick<T>(items: readonly T[]): T };
export type Gen<T> = (rng: Rng) => T;

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (max) => Math.floor(next() * max), pick: (items) => items[Math.floor(next() * items.length)]! };
}

export const constant = <T>(value: T): Gen<T> => () => value;
export const oneOf = <T>(...gens: Gen<T>[]): Gen<T> => (rng) => rng.pick(gens)(rng);
export const map = <T, U>(gen: Gen<T>, fn: (value: T) => U): Gen<U> => (rng) => fn(gen(rng));
export const elements = <T>(...items: T[]): Gen<T> => (rng) => rng.pick(items);

const uuidLike = (rng: Rng) => Array.from({ length: 32 }, () => "0123456789abcdef"[rng.int(16)]).join("").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");

/** Oversize: past every max length of the schemas, up to just under the 1 MB action body limit, and past it. */
export const oversize: Gen<string> = oneOf(
  map(elements(201, 255, 1_000, 10_000), (n) => "x".repeat(n)),
  map(elements(70_000, 400_000), (n) => "é".repeat(n)),
  constant("a".repeat(1_100_000)),
);

/** Unicode that trips naive code: NUL and other controls, bidi overrides, zero-width, astral, lone surrogates. */
export const unicode: Gen<string> = elements(
  "\u0000",
  "name\u0000with nul",
  "\u202eevil\u202c",
  "\u200b\u200d\ufeff",
  "💥🧨👩‍👩‍👧‍👦",
  "\ud800",
  "\udfff\ud800",
  "Ǆ̴̡̛̗̙̮̰̼̈́̓͊́̚İı",
  "ＡＢＣ",
  "\u0085\u2028\u2029",
  "\u001b[31mred\u001b[0m",
);

/** CR/LF and header/CSV/path injection shapes. */
export const crlf: Gen<string> = elements(
  "a\r\nb",
  "\r\nSet-Cookie: pwned=1",
  "x\nLocation: https://evil.example",
  "=HYPERLINK(\"https://evil.example\")",
  "../../etc/passwd",
  "%0d%0aX-Injected: 1",
  "'; drop table tasks; --",
  "<script>alert(1)</script>",
);

/** Ids that are not uuids, or uuids that are not what the server expects. */
export const badUuid: Gen<string> = oneOf(
  elements("", " ", "null", "undefined", "0", "-1", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "' OR '1'='1", "{}", "[]", "$K1", "$@0"),
  map(uuidLike, (u) => `${u}\n`),
  map(uuidLike, (u) => `${u}0`),
  map(uuidLike, (u) => u.slice(1)),
  map(uuidLike, (u) => u.replace(/-/g, "")),
  map(uuidLike, (u) => `${u}' --`),
);

/** Page cursors (keyset pagination): out-of-range dates, junk, encodings. */
export const badCursor: Gen<string> = elements(
  "2026-19-99 99:99:99+00",
  "2026-19-99 99:99:99+00|00000000-0000-0000-0000-000000000000",
  "9999-12-31T23:59:59.999Z|x",
  "%%%",
  "%E0%A4%A",
  "eyJ0IjoiMjAyNi0xOS05OSJ9",
  "a".repeat(500),
  "\u0000",
  "-1",
  "NaN|NaN",
);

/** React Flight argument rows (field `0`) that React itself never sends. */
export const badArgs: Gen<string | null> = elements(
  null,
  "",
  "not json",
  "{}",
  "[]",
  '["$K1"]',
  '[null,"$K2"]',
  '[null,{"orgId":"x"}]',
  '[null,"$Q1"]',
  '[null,"$B1"]',
  '[null,"$n99999999999999999999"]',
  '[null,"$D2026-19-99"]',
  '[null,"$@1"]',
  '[null,"$K1","$K1","$K1"]',
  "[".repeat(5_000),
);

/** Whatever a field might receive: the union of the above. */
export const anyMalformed: Gen<string> = oneOf(oversize, unicode, crlf, badUuid);

export function sample<T>(gen: Gen<T>, rng: Rng): T {
  return gen(rng);
}
