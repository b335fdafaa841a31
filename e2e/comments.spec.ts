import type { Locator, Page } from "@playwright/test";
import { expect, linkFromMailbox, login, signUp, test, uniqueEmail, verifyEmail } from "./fixtures";

/**
 * Another user's comment, once this page shows it. A task's comments are a lag-tolerant read: with replicas (the
 * real-services run has one 2 s behind) someone else's write shows when the replica has it; a user's own writes show
 * at once (read-your-writes, lib/db/replicas.ts).
 */
async function seeOthersWrite(page: Page, comment: Locator) {
  await expect(async () => {
    await page.reload();
    await expect(comment).toBeVisible({ timeout: 1_000 });
  }, "another user's comment on this page").toPass({ timeout: 20_000 });
}

// Comments on a task, as people use them: a mention that emails a teammate, who follows the link, answers, edits and
// deletes their own comment; an owner who deletes someone else's; the dashboard that counts them; a comment posted
// with JavaScript off.
test("comment on a task, mention a teammate who is emailed, edit and delete by author and admin", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const ownerEmail = uniqueEmail("owner");
  const memberEmail = uniqueEmail("member");

  await page.goto("/sign-up");
  await signUp(page, { name: "Olivia Owner", email: ownerEmail });
  await expect(page.getByRole("heading", { level: 1, name: "Olivia Owner's workspace" })).toBeVisible();
  const orgPath = new URL(page.url()).pathname;
  await verifyEmail(page, ownerEmail);

  // A teammate joins.
  await page.goto(`${orgPath}/members`);
  await page.getByLabel("Email address").fill(memberEmail);
  await page.getByLabel("Role").selectOption("member");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  const teammateContext = await browser.newContext();
  const teammate = await teammateContext.newPage();
  await teammate.goto(await linkFromMailbox(page, memberEmail, "invited you"));
  await teammate.getByRole("link", { name: "Create an account to accept" }).click();
  await signUp(teammate, { name: "Max Member", email: memberEmail });
  await teammate.getByRole("button", { name: "Join Olivia Owner's workspace" }).click();
  await expect(teammate).toHaveURL(new RegExp(`${orgPath}$`));

  // A task, opened from the list by its title.
  await page.goto(`${orgPath}/projects`);
  await page.getByLabel("New project name").fill("Launch");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Launch" }).click();
  await page.getByLabel("Task title").fill("Write the announcement");
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByRole("list", { name: "Tasks" }).getByRole("link", { name: "Write the announcement" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Write the announcement" })).toBeVisible();
  await expect(page.getByText("No comments yet.")).toBeVisible();
  const taskUrl = page.url();

  // An empty comment is refused with a message; a comment with a mention posts, the mention marked.
  await page.getByRole("button", { name: "Comment", exact: true }).click();
  await expect(page.getByText("Write a comment.")).toBeVisible();
  await page.getByLabel("Add a comment").fill("@Max Member can you check the copy?\nThe second paragraph mostly.");
  await page.getByRole("button", { name: "Comment", exact: true }).click();
  const ownerComment = page.getByRole("listitem", { name: "Comment by Olivia Owner" });
  await expect(ownerComment).toContainText("can you check the copy?");
  await expect(ownerComment.locator("mark", { hasText: "@Max Member" })).toBeVisible();
  await expect(page.getByLabel("Add a comment")).toHaveValue("");

  // The teammate is emailed, follows the link to the task, and cannot edit or delete the owner's comment.
  await teammate.goto(await linkFromMailbox(teammate, memberEmail, "Olivia Owner mentioned you on “Write the announcement”"));
  await expect(teammate).toHaveURL(taskUrl);
  const ownerCommentForTeammate = teammate.getByRole("listitem", { name: "Comment by Olivia Owner" });
  await seeOthersWrite(teammate, ownerCommentForTeammate.filter({ hasText: "The second paragraph mostly." }));
  await expect(ownerCommentForTeammate.getByRole("button")).toHaveCount(0);

  // The teammate answers, edits their comment in place and deletes it (after a confirmation).
  await teammate.getByLabel("Add a comment").fill("On it @Olivia Owner");
  await teammate.getByRole("button", { name: "Comment", exact: true }).click();
  const reply = teammate.getByRole("listitem", { name: "Comment by Max Member" });
  await expect(reply).toContainText("On it");
  await reply.getByRole("button", { name: "Edit the comment by Max Member" }).click();
  await reply.getByLabel("Edit your comment").fill("Done: the copy reads well.");
  await reply.getByRole("button", { name: "Save" }).click();
  await expect(reply).toContainText("Done: the copy reads well.");
  await expect(reply).toContainText("(edited)");
  teammate.once("dialog", (dialog) => void dialog.accept());
  await reply.getByRole("button", { name: "Delete the comment by Max Member" }).click();
  await expect(teammate.getByRole("listitem", { name: "Comment by Max Member" })).toHaveCount(0);

  // An owner deletes a teammate's comment; they cannot edit it.
  await teammate.getByLabel("Add a comment").fill("An off-topic remark");
  await teammate.getByRole("button", { name: "Comment", exact: true }).click();
  await expect(teammate.getByRole("listitem", { name: "Comment by Max Member" })).toBeVisible();
  const remark = page.getByRole("listitem", { name: "Comment by Max Member" });
  await seeOthersWrite(page, remark.filter({ hasText: "An off-topic remark" }));
  await expect(remark.getByRole("button", { name: /^Edit/ })).toHaveCount(0);
  page.once("dialog", (dialog) => void dialog.accept());
  await remark.getByRole("button", { name: "Delete the comment by Max Member" }).click();
  await expect(page.getByRole("listitem", { name: "Comment by Max Member" })).toHaveCount(0);
  await teammateContext.close();

  // The dashboard counts the comments that remain and shows who commented.
  await page.goto(orgPath);
  const tile = page.locator(".stat-tiles > div").filter({ hasText: "Comments, 30 days" });
  await expect(tile.locator("dd")).toHaveText("1");
  await expect(page.getByText("commented on the task “Write the announcement”").first()).toBeVisible();

  // Without JavaScript, a comment still posts (a plain form post), and the page shows it.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await login(plain, ownerEmail);
  await plain.goto(taskUrl);
  await plain.getByLabel("Add a comment").fill("Posted without JavaScript");
  await plain.getByRole("button", { name: "Comment", exact: true }).click();
  // The form post's own answer is the task's page with the comment on it, and a reload shows it too.
  const posted = plain.getByRole("listitem", { name: "Comment by Olivia Owner" }).filter({ hasText: "Posted without JavaScript" });
  await expect(posted).toBeVisible();
  await plain.goto(taskUrl);
  await expect(posted).toBeVisible();
  await noJs.close();
});
