import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { getEnv } from "@/lib/env";
import { withTx } from "@/lib/db/transaction";
import { createUser } from "@/lib/testing/factories";

// Two transactions that lock the same rows in opposite orders deadlock; Postgres aborts one. withTx runs it again, so
// both writes land and neither user sees an error. Needs concurrent sessions: a Postgres server.
const url = getEnv().DATABASE_URL;
if (!url) process.stdout.write("lib/db/transaction.test.ts: skipped: a deadlock needs two sessions, a Postgres server (DATABASE_URL), as in .ci/run's real-services run\n");

describe.skipIf(!url)("withTx", () => {
  it("runs a transaction aborted by a deadlock again, so both writers succeed", async () => {
    const [a, b] = [await createUser(), await createUser()];
    let holding = 0;
    let attempts = 0;
    const both = () =>
      new Promise<void>((resolve) => {
        const started = Date.now();
        const wait = () => (holding >= 2 || Date.now() - started > 2000 ? resolve() : setTimeout(wait, 10));
        wait();
      });
    const rename = (first: string, second: string, name: string) =>
      withTx(async (tx) => {
        attempts++;
        await tx.update(users).set({ name }).where(eq(users.id, first));
        holding++;
        await both(); // each holds its first row before asking for the other's
        await tx.update(users).set({ name }).where(eq(users.id, second));
      });
    await expect(Promise.all([rename(a.id, b.id, "one"), rename(b.id, a.id, "two")])).resolves.toBeDefined();
    expect(attempts).toBe(3); // two first attempts, one of them aborted and run again
    const names = await withTx(async (tx) => tx.select({ name: users.name }).from(users).where(eq(users.id, a.id)));
    expect(["one", "two"]).toContain(names[0]!.name);
  });
});
