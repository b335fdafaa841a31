// The multipart parser Next.js decodes server action bodies with (next/dist/compiled/busboy, busboy 1.x), used by
// lib/security/action-body.ts so that proxy.ts parses an action body exactly as Next will. Only what it uses.
declare module "next/dist/compiled/busboy" {
  import type { Readable, Writable } from "node:stream";
  type FileInfo = { filename: string; encoding: string; mimeType: string };
  type Busboy = Writable & {
    on(event: "field", listener: (name: string, value: string) => void): Busboy;
    on(event: "file", listener: (name: string, stream: Readable, info: FileInfo) => void): Busboy;
    on(event: "error", listener: (error: Error) => void): Busboy;
    on(event: "finish" | "close", listener: () => void): Busboy;
  };
  function busboy(config: { headers: Record<string, string>; defParamCharset?: string; limits?: { fieldSize?: number } }): Busboy;
  export = busboy;
}
