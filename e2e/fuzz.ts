import fc from "fast-check";

// Arbitraries (fast-check) of malformed input for e2e/attack.spec.ts's fuzzer. The spec draws its cases with
// `fc.sample(fc.gen(), { seed })`, so one seed (printed, ATTACK_SEED) replays a run exactly. Each arbitrary mixes
// fixed shapes that have tripped real code with generated ones.

/** Oversize: past every max length of the schemas, up to just under the 1 MB action body limit, and past it. */
export const oversize: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(201, 255, 1_000, 10_000).map((n) => "x".repeat(n)),
  fc.constantFrom(70_000, 400_000).map((n) => "é".repeat(n)),
  fc.constant("a".repeat(1_100_000)),
  fc.string({ minLength: 256, maxLength: 5_000 }),
);

/** Unicode that trips naive code: NUL and other controls, bidi overrides, zero-width, astral, lone surrogates. */
export const unicode: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
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
  ),
  // Any code point, lone surrogates included.
  fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
);

/** CR/LF and header/CSV/path injection shapes. */
export const crlf: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "a\r\nb",
    "\r\nSet-Cookie: pwned=1",
    "x\nLocation: https://evil.example",
    "=HYPERLINK(\"https://evil.example\")",
    "../../etc/passwd",
    "%0d%0aX-Injected: 1",
    "'; drop table tasks; --",
    "<script>alert(1)</script>",
  ),
  fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom("\r\n", "\n", "\r", "\u0000"), fc.string({ maxLength: 20 })).map(([a, sep, b]) => `${a}${sep}${b}`),
);

/** Ids that are not uuids, or uuids that are not what the server expects. */
export const badUuid: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("", " ", "null", "undefined", "0", "-1", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "' OR '1'='1", "{}", "[]", "$K1", "$@0"),
  fc.uuid().map((u) => `${u}\n`),
  fc.uuid().map((u) => `${u}0`),
  fc.uuid().map((u) => u.slice(1)),
  fc.uuid().map((u) => u.replace(/-/g, "")),
  fc.uuid().map((u) => `${u}' --`),
);

/** Page cursors (keyset pagination): out-of-range dates, junk, encodings. */
export const badCursor: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
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
  ),
  fc.tuple(fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? "Invalid Date" : d.toISOString())), fc.string({ maxLength: 40 })).map(([d, id]) => `${d}|${id}`),
);

/** React Flight tags the decoder reads (references to rows, files, BigInts, …), some with no row behind them. */
const flightString = fc.oneof(
  fc.constantFrom("$K1", "$Q1", "$W1", "$i1", "$h1", "$@1", "$B1", "$o1", "$R1", "$T", "$D2026-19-99", "$n", "$nx", "$n99999999999999999999", "$1", "$1:a", "$0:0", "$", "$$", "$Z", "$undefined"),
  fc.string({ maxLength: 10 }).map((s) => `$${s}`),
);

/** React Flight argument rows (field `0`) that React itself never sends. */
export const badArgs: fc.Arbitrary<string | null> = fc.oneof(
  fc.constantFrom(
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
  ),
  // Arrays of Flight tags and JSON, and any JSON at all (objects, scalars: never an argument list).
  fc.array(fc.oneof(flightString, fc.constant(null), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }).map((row) => JSON.stringify(row)),
  fc.json({ maxDepth: 3 }),
);

/** Whatever a field might receive: the union of the above. */
export const anyMalformed: fc.Arbitrary<string> = fc.oneof(oversize, unicode, crlf, badUuid);
