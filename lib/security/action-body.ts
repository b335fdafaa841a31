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

async function readParts(body: ReadableStream<Uint8Array> | null, contentType: string, limit: number): Promise<ActionPart[] | Refusal> {
  const parts: ActionPart[] = [];
  let refusal: Refusal | null = null;
  let parser: ReturnType<typeof busboy>;
  try {
    parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8", limits: { fieldSize: limit } });
  } catch (error) {
    return { status: 400, message: `The multipart body of a server action does not parse: ${(error as Error).message}.` };
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
    if (error instanceof TooLarge) return { status: 413, message: `A server action body may not exceed ${limit} bytes.` };
    return { status: 400, message: `The multipart body of a server action does not parse: ${(error as Error).message}.` };
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
