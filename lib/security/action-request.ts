// What a server action request must look like before Next.js decodes it. A request carrying `next-action` is decoded
// by Next's action handler (node_modules/next/dist/server/app-render/action-handler.js) with React's `decodeReply`,
// before any app code runs, and every input that decoder throws on is answered 500. proxy.ts refuses exactly those
// inputs first, with a 4xx and a message (docs/security.md, "The attack suite"). What React's client sends
// (`encodeReply` → Next's server-action reducer) always passes: a `multipart/form-data; boundary=…` body whose row `0`
// comes last, or a `text/plain;charset=UTF-8` body that is row `0` itself; row `0` is the JSON array of arguments.

const DEFAULT_UPLOAD_MAX_BYTES = 2 * 1024 * 1024; // lib/env.ts's default

/** Bytes a server action may receive: the upload cap (UPLOAD_MAX_BYTES) plus 1 MB for the multipart envelope. */
export function serverActionBodyLimit(uploadMaxBytes: string | undefined): number {
  const cap = Number(uploadMaxBytes);
  return (Number.isFinite(cap) && cap > 0 ? cap : DEFAULT_UPLOAD_MAX_BYTES) + 1024 * 1024;
}

export type Refusal = { status: 400 | 405 | 413 | 415; message: string };
export type ActionBodyKind = { kind: "multipart" } | { kind: "text" };

/** Next's limit on an action's arguments (SERVER_ACTION_ARGS_LIMIT) and React's on array slots (arraySizeLimit). */
const MAX_ARGUMENTS = 1000;
const ARRAY_SIZE_LIMIT = 1_000_000;
/** React revives rows recursively: a deeper value overflows its stack. React's client never sends one this deep. */
const MAX_DEPTH = 1000;
const BIGINT_MAX_DIGITS = 300;

const refuse = (status: Refusal["status"], message: string): Refusal => ({ status, message });

/**
 * Method, content type and length of a request that carries `next-action`. Next treats a POST whose body is not
 * multipart as the text of row `0` (what `fetch` sends for a string body is `text/plain;charset=UTF-8`); it answers
 * a url-encoded one "not found"; anything else it tries to decode as text. Only what React sends is let through.
 */
export function checkActionEnvelope(method: string, contentType: string | null, contentLength: string | null, limit: number): Refusal | ActionBodyKind {
  if (method !== "POST") return refuse(405, "A server action is called with POST.");
  const length = contentLength === null ? undefined : Number(contentLength);
  if (length !== undefined && Number.isFinite(length) && length > limit) return refuse(413, `A server action body may not exceed ${limit} bytes.`);
  const type = (contentType ?? "").trim();
  const mediaType = type.split(";")[0]!.trim().toLowerCase();
  if (mediaType === "multipart/form-data") {
    // busboy's own rule: a boundary parameter, quoted or not, non-empty.
    if (!/;\s*boundary=("[^"]+"|[^;\s"]+)/i.test(type)) return refuse(400, "A multipart server action body needs its boundary.");
    // Next picks the multipart decoder by this exact prefix; busboy accepts the media type in any case.
    if (!type.startsWith("multipart/form-data")) return refuse(415, "A server action body is multipart/form-data or text/plain.");
    return { kind: "multipart" };
  }
  if (mediaType === "text/plain") return { kind: "text" };
  return refuse(415, "A server action body is multipart/form-data or text/plain.");
}

/** The parts of a multipart action body, in the order they came: a string field's value, or a file. */
export type ActionPart = { name: string; value: string } | { name: string; file: true };

type Row = { value: unknown; index: number };

/**
 * Whether React's decoder will decode these parts into arguments (row `0`, then whatever it references), or throw.
 * Mirrors `decodeReply`/`decodeReplyFromBusboy` in React 19: row `0` is decoded as soon as it arrives, so every row it
 * reaches must have come before it; each is JSON; `$`-tagged strings must refer to rows of the right kind.
 * `$@` (a promise), `$K` (form data), `$T`, `$R`/`$r`/`$X`/`$x` (streams) never throw while decoding and are let through.
 */
export function checkActionRows(parts: ActionPart[]): Refusal | null {
  const rootIndex = parts.findIndex((p) => p.name === "0");
  const root = parts[rootIndex];
  if (!root) return refuse(400, "A server action body needs its argument row (field 0).");
  if (!("value" in root)) return refuse(400, "The argument row of a server action is text, not a file.");
  // What the decoder can see when row 0 arrives: the parts before it (a later duplicate of a row is ignored).
  const strings = new Map<string, number>();
  const files = new Set<string>();
  parts.slice(0, rootIndex).forEach((part, index) => {
    if ("value" in part) {
      if (!strings.has(part.name)) strings.set(part.name, index);
    } else files.add(part.name);
  });
  const texts = new Map(parts.slice(0, rootIndex).flatMap((p): [string, string][] => ("value" in p ? [[p.name, p.value]] : [])));

  const parsed = new Map<string, Row | null>();
  const parseRow = (name: string): Row | null => {
    if (parsed.has(name)) return parsed.get(name)!;
    const text = name === "0" ? root.value : texts.get(name);
    let row: Row | null = null;
    if (text !== undefined) {
      try {
        row = { value: JSON.parse(text), index: name === "0" ? rootIndex : strings.get(name)! };
      } catch {
        row = null;
      }
    }
    parsed.set(name, row);
    return row;
  };

  const rootRow = parseRow("0");
  if (!rootRow) return refuse(400, "The argument row of a server action is not valid JSON.");
  if (!Array.isArray(rootRow.value)) return refuse(400, "The argument row of a server action is a JSON array.");
  if (rootRow.value.length > MAX_ARGUMENTS) return refuse(400, `A server action takes at most ${MAX_ARGUMENTS} arguments.`);

  const ids: RowIds = { claimed: new Map(), read: new Set() };
  const visited = new Set<string>(["0"]);
  const pending: string[] = ["0"];
  while (pending.length > 0) {
    const name = pending.pop()!;
    const problem = checkRow(parseRow(name)!.value, (reference) => {
      const [idText = "", ...path] = reference.split(":");
      const id = parseInt(idText, 16);
      const rowName = Number.isNaN(id) ? "NaN" : String(id);
      // Row 0 itself is there (a value shared inside the arguments is written once and referred to as `$0:path`).
      const present = rowName === "0" || strings.has(rowName);
      const row = present ? parseRow(rowName) : null;
      if (!present) return { error: `refers to row ${JSON.stringify(idText)}, which the body does not have before row 0` };
      if (!row) return { error: `refers to row ${rowName}, which is not valid JSON` };
      if (!visited.has(rowName)) {
        visited.add(rowName);
        pending.push(rowName);
      }
      return { value: follow(row.value, path) };
    }, (id) => files.has(String(parseInt(id, 16))), ids);
    if (problem) return refuse(400, `The arguments of a server action do not decode: ${problem}.`);
  }
  // A stream or typed array claims its row id for itself: React throws ("Already initialized …") when that id is row
  // 0, is claimed twice, or is also read as a row. Its encoder gives each its own id.
  for (const [id, count] of ids.claimed) {
    if (id === 0 || count > 1 || ids.read.has(id)) return refuse(400, `The arguments of a server action do not decode: row ${id} is claimed twice.`);
  }
  return null;
}

const UNRESOLVED = Symbol("unresolved");

/** A reference's path inside a row (`$1:a:0`): each step an own property of a plain object or array. */
function follow(value: unknown, path: string[]): unknown {
  let current = value;
  for (const step of path) {
    // A step through another reference is resolved by React only: not checked here.
    if (typeof current === "string" && current.startsWith("$")) return UNRESOLVED;
    if (typeof current !== "object" || current === null || !Object.prototype.hasOwnProperty.call(current, step)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

type Resolve = (reference: string) => { error: string } | { value: unknown };
/** Row ids claimed by streams and typed arrays, and row ids read as values (references, promises). */
type RowIds = { claimed: Map<number, number>; read: Set<number> };

/** One row, walked without recursion (a deep row must not overflow this stack either). */
function checkRow(value: unknown, resolve: Resolve, isFile: (id: string) => boolean, ids: RowIds): string | null {
  // Each array context counts its slots the way React's bumpArrayCount does (arrays and the strings in them).
  type Context = { count: number; fork: boolean };
  // A row's own value shares one context (reviveModel is called with the row's `{ count, fork }`).
  const stack: { value: unknown; depth: number; context: Context | null }[] = [{ value, depth: 0, context: { count: 0, fork: false } }];
  while (stack.length > 0) {
    const { value: current, depth, context } = stack.pop()!;
    if (depth > MAX_DEPTH) return `nested deeper than ${MAX_DEPTH}`;
    if (typeof current === "string") {
      const problem = checkString(current, resolve, isFile, ids);
      if (problem) return problem;
      if (context) {
        context.count += current.startsWith("$$") ? current.length - 1 : current.startsWith("$n") ? current.length - 2 : current.startsWith("$") ? 0 : current.length;
        if (context.count > ARRAY_SIZE_LIMIT && context.fork) return "an array larger than React decodes";
      }
    } else if (Array.isArray(current)) {
      const childContext = context ?? { count: 0, fork: false };
      if (current.length > 1) childContext.fork = true;
      childContext.count += current.length + 1;
      if (childContext.count > ARRAY_SIZE_LIMIT && childContext.fork) return "an array larger than React decodes";
      for (const item of current) stack.push({ value: item, depth: depth + 1, context: childContext });
    } else if (typeof current === "object" && current !== null) {
      for (const [key, item] of Object.entries(current)) if (key !== "__proto__") stack.push({ value: item, depth: depth + 1, context: null });
    }
  }
  return null;
}

const TYPED_ARRAY_TAGS = new Set("AOoUSsLlGgMmV");
const STREAM_TAGS = new Set("RrXx");
const NEVER_THROWS = new Set("$@KTRrXxIN-uHD");

function checkString(value: string, resolve: Resolve, isFile: (id: string) => boolean, ids: RowIds): string | null {
  if (!value.startsWith("$")) return null;
  const tag = value[1] ?? "";
  const id = parseInt(value.slice(2), 16);
  if (tag === "@") ids.read.add(id);
  if (STREAM_TAGS.has(tag) || TYPED_ARRAY_TAGS.has(tag)) ids.claimed.set(id, (ids.claimed.get(id) ?? 0) + 1);
  if (NEVER_THROWS.has(tag)) return null;
  if (tag === "n") {
    const digits = value.slice(2);
    if (digits.length > BIGINT_MAX_DIGITS) return `a BigInt of more than ${BIGINT_MAX_DIGITS} digits`;
    try {
      BigInt(digits);
      return null;
    } catch {
      return `${JSON.stringify(value.slice(0, 40))} is not a BigInt`;
    }
  }
  if (tag === "B" || TYPED_ARRAY_TAGS.has(tag)) {
    return isFile(value.slice(2)) ? null : `${JSON.stringify(value.slice(0, 40))} refers to a file the body does not have`;
  }
  // $h (server reference), $Q (Map), $W (Set), $i (iterator) and $<id> (an outlined value) read another row.
  const outlined = "hQWi".includes(tag) ? value.slice(2) : value.slice(1);
  ids.read.add(parseInt(outlined, 16));
  const resolved = resolve(outlined);
  if ("error" in resolved) return `${JSON.stringify(value.slice(0, 40))} ${resolved.error}`;
  if (resolved.value === undefined) return `${JSON.stringify(value.slice(0, 40))} refers to a path its row does not have`;
  if ("QWi".includes(tag) && resolved.value !== UNRESOLVED && !Array.isArray(resolved.value)) {
    return `${JSON.stringify(value.slice(0, 40))} refers to a row that is not an array`;
  }
  return null;
}
