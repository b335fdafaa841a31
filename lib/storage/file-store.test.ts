import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { withTx } from "@/lib/db/transaction";
import { createOrg } from "@/lib/testing/factories";
import { appendToStoredFile, getFileStore } from "./file-store";

// The Postgres file store: a generated file grows by appended chunks and is read back whole (get) or as a stream.

async function read(body: ReadableStream<Uint8Array>) {
  return Buffer.from(await new Response(body).arrayBuffer()).toString("utf8");
}

describe("the Postgres file store", () => {
  it("streams a file of many chunks in order, across its batches, and get() returns the same bytes", async () => {
    const org = await createOrg();
    const store = getFileStore();
    const { id } = await store.put({ orgId: org.id, name: "report.csv", contentType: "text/csv", data: Buffer.from("head\n") });
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}\n`);
    // Out of order on purpose: the stream follows seq, not insertion.
    for (const i of [...lines.keys()].reverse()) await withTx((tx) => appendToStoredFile(org.id, id, i + 1, Buffer.from(lines[i]!), tx));

    const file = await store.stream(org.id, id);
    const expected = `head\n${lines.join("")}`;
    expect(file?.size).toBe(Buffer.byteLength(expected));
    expect(await read(file!.body)).toBe(expected);
    expect((await store.get(org.id, id))?.data.toString("utf8")).toBe(expected);
  });

  it("gives another organization nothing, and refuses to append to its file", async () => {
    const [mine, theirs] = [await createOrg(), await createOrg()];
    const store = getFileStore();
    const { id } = await store.put({ orgId: mine.id, name: "report.csv", contentType: "text/csv", data: Buffer.from("head\n") });

    expect(await store.stream(theirs.id, id)).toBeNull();
    expect(await store.get(theirs.id, id)).toBeNull();
    await expect(withTx((tx) => appendToStoredFile(theirs.id, id, 1, Buffer.from("x"), tx))).rejects.toThrow(/not found/);
    expect(await read((await store.stream(mine.id, id))!.body)).toBe("head\n");
  });

  it("a file that is only its head streams as such", async () => {
    const org = await createOrg();
    const { id } = await getFileStore().put({ orgId: org.id, name: "a.csv", contentType: "text/csv", data: Buffer.from("only\n") });
    expect(await read((await getFileStore().stream(org.id, id))!.body)).toBe("only\n");
  });

  it("an appended chunk that takes the file past its cap is refused with a message for the user", async () => {
    const org = await createOrg();
    const { id } = await getFileStore().put({ orgId: org.id, name: "a.csv", contentType: "text/csv", data: Buffer.from("x") });
    const error = await withTx((tx) => appendToStoredFile(org.id, id, 1, Buffer.from("y"), tx, { maxBytes: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/export less at once/);
    expect(await read((await getFileStore().stream(org.id, id))!.body)).toBe("x");
  });
});
