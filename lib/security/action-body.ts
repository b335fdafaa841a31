import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "next/dist/compiled/busboy";
import { checkActionEnvelope, checkActionRows, type ActionPart, type Refusal } from "./action-request";

// proxy.ts's check of a server action request (one carrying `next-action`): the envelope (method, content type,
// length), then the body, parsed the way Next's action handler parses it (busboy for multipart, UTF-8 text
// otherwise), then the argument rows (lib/security/action-request.ts). The proxy reads a copy of the body that Next
// buffered for it (`proxyClientMaxBodySize`); only action requests are read.

class TooLarge extends Error {}

function limited(limit: number): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.byteLength;
      if (size > limit) callback(new TooLarge());
      else callback(null, chunk);
    },
  });
}

async function readParts(body: ReadableStream<Uint8Array> | null, contentType: string, limit: number, what = "a server action"): Promise<ActionPart[] | Refusal> {
  const parts: ActionPart[] = [];
  let refusal: Refusal | null = null;
  let parser: ReturnType<typeof busboy>;
  try {
    parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8", limits: { fieldSize: limit } });
  } catch (error) {
    return { status: 400, message: `The multipart body of ${what} does not parse: ${(error as Error).message}.` };
  }
  parser.on("field", (name, value) => parts.push({ name, value }));
  parser.on("file", (name, stream, info) => {
    // React refuses base64 file parts (a browser never sends one).
    if (info.encoding.toLowerCase() === "base64") refusal ??= { status: 400, message: "A server action does not take base64-encoded file parts." };
    parts.push({ name, file: true });
    stream.resume();
  });
  try {
    await pipeline(body ? Readable.fromWeb(body as import("node:stream/web").ReadableStream) : Readable.from([]), limited(limit), parser);
  } catch (error) {
    if (error instanceof TooLarge) return { status: 413, message: `The body of ${what} may not exceed ${limit} bytes.` };
    return { status: 400, message: `The multipart body of ${what} does not parse: ${(error as Error).message}.` };
  }
  return refusal ?? parts;
}

async function readText(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string | Refusal> {
  const chunks: Buffer[] = [];
  try {
    const source = body ? Readable.fromWeb(body as import("node:stream/web").ReadableStream) : Readable.from([]);
    await pipeline(source, limited(limit), async (stream: AsyncIterable<Buffer>) => {
      for await (const chunk of stream) chunks.push(chunk);
    });
  } catch (error) {
    if (error instanceof TooLarge) return { status: 413, message: `A server action body may not exceed ${limit} bytes.` };
    return { status: 400, message: `The body of a server action could not be read: ${(error as Error).message}.` };
  }
  return Buffer.concat(chunks).toString("utf-8");
}

/** Why Next's decoder would throw on this server action request (answered 4xx by the proxy), or null: let it through. */
export async function refuseActionRequest(request: Request, limit: number): Promise<Refusal | null> {
  const contentType = request.headers.get("content-type");
  const envelope = checkActionEnvelope(request.method, contentType, request.headers.get("content-length"), limit);
  if ("status" in envelope) return envelope;
  if (envelope.kind === "multipart") {
    const parts = await readParts(request.body, contentType!, limit);
    return "status" in parts ? parts : checkActionRows(parts);
  }
  const text = await readText(request.body, limit);
  return typeof text === "string" ? checkActionRows([{ name: "0", value: text }]) : text;
}

/**
 * A multipart POST without `next-action` (a form submitted before hydration or without JavaScript): Next parses its
 * body to find the action, and a body that does not parse was answered 500 (found by the attack suite's fuzzer).
 * Refused here with a 400 when it does not parse; what it carries is Next's and the action's to judge.
 */
export async function refuseFormPost(request: Request, limit: number): Promise<Refusal | null> {
  const parts = await readParts(request.body, request.headers.get("content-type")!, limit, "a form post");
  return "status" in parts ? parts : null;
}
