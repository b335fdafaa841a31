import { Client, METRICS_TOKEN } from "./attack-client";
import { expect, signUp, test, uniqueEmail } from "./fixtures";

// Read-your-writes through a browser, against a replica that applies the WAL 2 s late (.ci/run's real-services run
// starts one and sets DATABASE_REPLICA_URLS): the task list reads a replica, yet a user sees the task they just added
// on the action's own answer, after a reload, and in a second tab, although the replica does not have it yet; someone
// else's list is read from the replica.

async function replicaReads(baseURL: string): Promise<{ replica: number; primary: Record<string, number> }> {
  const answer = await new Client(baseURL).request("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const primary: Record<string, number> = {};
  let replica = 0;
  for (const line of answer.text.split("\n")) {
    const match = /^db_reads_total\{target="(\w+)",reason="(\w+)"\} (\d+)/.exec(line);
    if (!match) continue;
    if (match[1] === "replica") replica += Number(match[3]);
    else primary[match[2]!] = Number(match[3]);
  }
  return { replica, primary };
}

test("a user sees their own new task at once although the replica is 2 s behind; others read the replica", async ({ page, browser, baseURL }) => {
  const reason = "needs a streaming replica of the primary (DATABASE_REPLICA_URLS), as in .ci/run's real-services run";
  if (!process.env.DATABASE_REPLICA_URLS) console.log(`skipped: ${reason}`);
  test.skip(!process.env.DATABASE_REPLICA_URLS, reason);
  test.setTimeout(90_000);

  // Someone else, with a project of their own, signed in a while ago.
  const other = await browser.newPage();
  await other.goto("/sign-up");
  await signUp(other, { name: "Rhea Reader", email: uniqueEmail("replica-other") });
  await other.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Projects" }).click();
  await other.getByLabel("New project name").fill("Elsewhere");
  await other.getByRole("button", { name: "Create project" }).click();
  await other.getByRole("link", { name: "Elsewhere" }).click();
  await expect(other.getByRole("heading", { level: 1, name: "Elsewhere" })).toBeVisible();
  const otherList = other.url();

  await page.goto("/sign-up");
  await signUp(page, { name: "Wren Writer", email: uniqueEmail("replica-writer") });
  await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Projects" }).click();
  await page.getByLabel("New project name").fill("Replicated");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Replicated" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Replicated" })).toBeVisible();
  const list = page.url();

  const before = await replicaReads(baseURL!);
  const positionOf = async () => (await page.context().cookies()).find((c) => c.name === "anatomy-rw");
  const lsn = (text: string | undefined) => (text ? decodeURIComponent(text).split("/").reduce((n, half) => n * 2n ** 32n + BigInt(`0x${half}`), 0n) : -1n);
  const beforeWrite = await positionOf(); // the project's creation was a write too
  // The writer's task, on the action's answer (the same request reads the primary)...
  await page.getByLabel("Task title").fill("Seen at once");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByRole("listitem", { name: "Seen at once" })).toBeVisible();
  // ...on the very next request, a reload within the replica's 2 s...
  await page.goto(list);
  await expect(page.getByRole("listitem", { name: "Seen at once" })).toBeVisible();
  // ...and in a second tab of the same browser.
  const tab = await page.context().newPage();
  await tab.goto(list);
  await expect(tab.getByRole("listitem", { name: "Seen at once" })).toBeVisible();
  // The browser carries the write's WAL position (what the next requests compared the replica against), moved past
  // the one before.
  const position = await positionOf();
  expect(decodeURIComponent(position?.value ?? ""), "the anatomy-rw cookie holds a WAL position").toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
  expect(position).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  expect(lsn(position?.value)).toBeGreaterThan(lsn(beforeWrite?.value));
  const afterOwn = await replicaReads(baseURL!);
  expect((afterOwn.primary.own_write ?? 0) - (before.primary.own_write ?? 0), "the writing request read the primary").toBeGreaterThanOrEqual(1);

  // The other user, who wrote nothing for a while, reads their list from the replica.
  await other.goto(otherList);
  await expect(other.getByRole("heading", { level: 1, name: "Elsewhere" })).toBeVisible();
  const afterOther = await replicaReads(baseURL!);
  expect(afterOther.replica - afterOwn.replica, "another user's list came from the replica").toBeGreaterThanOrEqual(1);
  await other.close();
  await tab.close();
});
