import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { refuseActionRequest, refuseFormPost } from "./action-body";
import { checkActionEnvelope, checkActionRows, serverActionBodyLimit, type ActionPart } from "./action-request";

// React's own client encoder (what the browser runs when a form or a button calls a server action): whatever it
// produces must pass, so the proxy never refuses a request React sends.
const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-turbopack/client.node") as { encodeReply: (value: unknown) => Promise<string | FormData> };

const LIMIT = serverActionBodyLimit(undefined);
const URL_ = "http://localhost/acme/projects";

async function reactRequest(args: unknown[]): Promise<Request> {
  const body = await encodeReply(args);
  // fetch() gives a string body `text/plain;charset=UTF-8` and a FormData `multipart/form-data; boundary=…`.
  return new Request(URL_, { method: "POST", headers: { "next-action": "7f00", accept: "text/x-component" }, body });
}

function raw(body: string, contentType: string | null, method = "POST"): Request {
  const headers: Record<string, string> = { "next-action": "7f00" };
  if (contentType !== null) headers["content-type"] = contentType;
  return new Request(URL_, { method, headers, body: method === "GET" ? undefined : body });
}

const multipart = (parts: [string, string][], boundary = "xyz") =>
  parts.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join("") + `--${boundary}--\r\n`;

const form = () => {
  const data = new FormData();
  data.append("orgId", "3f0b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
  data.append("name", "a\r\nb 💥 \u0000");
  data.append("file", new File(["title,status\nImported,todo\n"], "tasks.csv", { type: "text/csv" }));
  return data;
};

describe("server action requests React sends", () => {
  it.each<[string, unknown[]]>([
    ["a form through useActionState", [null, form()]],
    ["a form with the previous state", [{ ok: false, error: "$ not a reference", fieldErrors: { name: ["Too long"] }, values: { name: "x" } }, form()]],
    ["a form alone (a <form action>)", [form()]],
    ["no arguments", []],
    ["strings that look like references", ["$K1", "$@1", "$", "$$", "$n", "$Q9"]],
    ["Map, Set, Date, BigInt, undefined, NaN, -0, Infinity", [new Map([["a", { b: [1, 2] }]]), new Set(["x"]), new Date(), 10n ** 40n, -5n, undefined, NaN, -0, Infinity, -Infinity]],
    ["nested arrays and objects, shared references", (() => { const shared = { deep: [1, [2, [3, { x: "y" }]]] }; return [shared, [shared, shared], { a: shared }]; })()],
    ["typed arrays and blobs", [new Uint8Array([1, 2, 3]), new Float64Array([1.5]), new Blob(["x"]), new File(["y"], "y.txt")]],
    ["an iterator", [[1, 2, 3][Symbol.iterator]()]],
    ["a stream and an async iterable", [new ReadableStream({ start: (c) => { c.enqueue("a"); c.close(); } }), (async function* () { yield 1; })()]],
    ["a large array", [Array.from({ length: 50_000 }, (_, i) => i)]],
  ])("%s passes", async (_, args) => {
    expect(await refuseActionRequest(await reactRequest(args), LIMIT)).toBeNull();
  });
});

describe("server action requests Next's decoder throws on", () => {
  it.each<[string, Request, number]>([
    ["GET", raw("", null, "GET"), 405],
    ["application/json", raw('[null,"$K1"]', "application/json"), 415],
    ["url-encoded", raw("0=%5B%5D", "application/x-www-form-urlencoded"), 415],
    ["no content type", raw("", ""), 415],
    ["multipart without a boundary", raw(multipart([["0", "[]"]]), "multipart/form-data"), 400],
    ["multipart with another boundary", raw("--x\r\n\r\n", "multipart/form-data; boundary=nope"), 400],
    ["multipart cut short", raw(multipart([["0", "[]"]]).slice(0, 40), "multipart/form-data; boundary=xyz"), 400],
    ["multipart without row 0", raw(multipart([["_1_orgId", "x"]]), "multipart/form-data; boundary=xyz"), 400],
    ["empty text", raw("", "text/plain;charset=UTF-8"), 400],
    ["text that is not JSON", raw("not json", "text/plain;charset=UTF-8"), 400],
    ["5000 open brackets", raw("[".repeat(5000), "text/plain;charset=UTF-8"), 400],
    ["a row that is an object", raw("{}", "text/plain;charset=UTF-8"), 400],
    ["a row that is a string", raw('"x"', "text/plain;charset=UTF-8"), 400],
    ["more than 1000 arguments", raw(JSON.stringify(Array.from({ length: 1001 }, () => 1)), "text/plain;charset=UTF-8"), 400],
    ["too deep", raw("[".repeat(1100) + "]".repeat(1100), "text/plain;charset=UTF-8"), 400],
    ["a Map of a row that is missing", raw('[null,"$Q1"]', "text/plain;charset=UTF-8"), 400],
    ["a Blob that is missing", raw(multipart([["0", '[null,"$B1"]']]), "multipart/form-data; boundary=xyz"), 400],
    ["a BigInt that is not one", raw('[null,"$n9x"]', "text/plain;charset=UTF-8"), 400],
    ["a BigInt of 301 digits", raw(`["$n${"9".repeat(301)}"]`, "text/plain;charset=UTF-8"), 400],
    ["an unknown tag", raw('[null,"$Z"]', "text/plain;charset=UTF-8"), 400],
    ["a bare $", raw('["$"]', "text/plain;charset=UTF-8"), 400],
  ])("%s is refused", async (_, request, status) => {
    expect((await refuseActionRequest(request, LIMIT))?.status).toBe(status);
  });

  it("refuses a body over the limit, by its length or as it streams", async () => {
    const big = multipart([["_1_name", "x".repeat(2000)], ["0", '[null,"$K1"]']]);
    expect((await refuseActionRequest(raw(big, "multipart/form-data; boundary=xyz"), 1000))?.status).toBe(413);
    expect((await refuseActionRequest(raw(JSON.stringify(["x".repeat(2000)]), "text/plain"), 1000))?.status).toBe(413);
    expect(checkActionEnvelope("POST", "text/plain", "5000", 1000)).toMatchObject({ status: 413 });
  });

  it("accepts the content types React sends, in the forms fetch writes them", () => {
    expect(checkActionEnvelope("POST", "text/plain;charset=UTF-8", null, LIMIT)).toEqual({ kind: "text" });
    expect(checkActionEnvelope("POST", "multipart/form-data; boundary=----WebKitFormBoundaryAbC", "10", LIMIT)).toEqual({ kind: "multipart" });
    expect(checkActionEnvelope("POST", 'multipart/form-data; boundary="a b"', null, LIMIT)).toEqual({ kind: "multipart" });
  });
});

describe("argument rows", () => {
  const rows = (...parts: [string, string][]): ActionPart[] => parts.map(([name, value]) => ({ name, value }));
  it("needs every row that row 0 reaches to come before it", () => {
    expect(checkActionRows(rows(["1", "[[1,2]]"], ["0", '["$Q1"]']))).toBeNull();
    expect(checkActionRows(rows(["0", '["$Q1"]'], ["1", "[[1,2]]"]))).toMatchObject({ status: 400 });
    expect(checkActionRows(rows(["1", '["$2"]'], ["0", '["$1"]']))).toMatchObject({ status: 400 });
    expect(checkActionRows(rows(["2", "{}"], ["1", '["$2"]'], ["0", '["$1"]']))).toBeNull();
  });
  it("reads row ids as hex, as React does", () => {
    expect(checkActionRows(rows(["10", "[]"], ["0", '["$Wa"]']))).toBeNull();
    expect(checkActionRows(rows(["a", "[]"], ["0", '["$Wa"]']))).toMatchObject({ status: 400 });
  });
  it("checks Map/Set rows are arrays, and reference paths", () => {
    expect(checkActionRows(rows(["1", '{"a":1}'], ["0", '["$Q1"]']))).toMatchObject({ status: 400 });
    expect(checkActionRows(rows(["1", '{"a":[1]}'], ["0", '["$1:a:0"]']))).toBeNull();
    expect(checkActionRows(rows(["1", '{"a":[1]}'], ["0", '["$1:b"]']))).toMatchObject({ status: 400 });
    expect(checkActionRows(rows(["1", "not json"], ["0", '["$1"]']))).toMatchObject({ status: 400 });
  });
  it("refuses a stream or typed array whose row id is row 0, taken twice, or read as a value", () => {
    expect(checkActionRows(rows(["0", '["$R1","$X2"]']))).toBeNull();
    expect(checkActionRows(rows(["0", '["$R0"]']))).toMatchObject({ status: 400 });
    expect(checkActionRows(rows(["0", '["$R1","$x1"]']))).toMatchObject({ status: 400 });
    expect(checkActionRows(rows(["0", '["$@1","$R1"]']))).toMatchObject({ status: 400 });
    expect(checkActionRows([{ name: "1", file: true }, { name: "0", value: '["$o1","$o1"]' }])).toMatchObject({ status: 400 });
  });
  it("needs a Blob or typed array to refer to a file part", () => {
    expect(checkActionRows([{ name: "1", file: true }, { name: "2", file: true }, { name: "0", value: '["$B1","$o2"]' }])).toBeNull();
    expect(checkActionRows([{ name: "1", value: "x" }, { name: "0", value: '["$B1"]' }])).toMatchObject({ status: 400 });
    expect(checkActionRows([{ name: "0", file: true }])).toMatchObject({ status: 400 });
  });
});

describe("form posts without next-action (before hydration, or without JavaScript)", () => {
  const formPost = (body: BodyInit, contentType?: string) =>
    new Request(URL_, { method: "POST", headers: contentType ? { "content-type": contentType } : {}, body });

  it("lets a browser's multipart form through, hidden action fields, files and all", async () => {
    const form = new FormData();
    form.set("$ACTION_ID_7f00", "");
    form.set("email", "ada@example.test");
    form.set("file", new Blob(["title\nA task\n"], { type: "text/csv" }), "tasks.csv");
    const request = new Request(URL_, { method: "POST", body: form }); // fetch writes the boundary, as a browser does
    expect(await refuseFormPost(request, LIMIT)).toBeNull();
  });

  it("refuses a multipart body that does not parse (Next answered these 500) and one over the limit", async () => {
    expect(await refuseFormPost(formPost("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated", "multipart/form-data; boundary=xyz"), LIMIT)).toMatchObject({ status: 400, message: expect.stringContaining("form post") });
    expect(await refuseFormPost(formPost("x", "multipart/form-data"), LIMIT)).toMatchObject({ status: 400 });
    const big = `--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n${"x".repeat(5000)}\r\n--xyz--\r\n`;
    expect((await refuseFormPost(formPost(big, "multipart/form-data; boundary=xyz"), 1000))?.status).toBe(413);
  });
});
