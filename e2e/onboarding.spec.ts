import { expect, test, linkFromMailbox, signUp, uniqueEmail } from "./fixtures";

// The foundation's user story, end to end in a real browser against the built app.
test("sign up, verify, create work, invite a teammate who joins, roles hold, sign out", async ({ page, browser }) => {
  const ownerEmail = uniqueEmail("owner");
  const memberEmail = uniqueEmail("member");

  // Sign up: lands in the new organization's dashboard, asked to verify the address.
  await page.goto("/");
  await page.getByRole("link", { name: "Get started" }).click();
  await signUp(page, { name: "Olivia Owner", email: ownerEmail });
  await expect(page.getByRole("heading", { level: 1, name: "Olivia Owner's workspace" })).toBeVisible();
  await expect(page.getByText(/Please verify your email address/)).toBeVisible();
  const orgPath = new URL(page.url()).pathname;

  // Verify the email through the link that arrived in the dev mailbox.
  await page.goto(await linkFromMailbox(page, ownerEmail, "Verify your email"));
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await expect(page).toHaveURL(new RegExp(`${orgPath}$`));
  await expect(page.getByText(/Please verify your email address/)).toHaveCount(0);

  // A project with two tasks; one moves to Done.
  await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Projects" }).click();
  await page.getByLabel("New project name").fill("Launch");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Launch" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Launch" })).toBeVisible();
  for (const title of ["Write the announcement", "Ship it"]) {
    await page.getByLabel("Task title").fill(title);
    await page.getByRole("button", { name: "Add task" }).click();
    await expect(page.getByRole("listitem", { name: title })).toBeVisible();
  }
  await page.getByLabel("Status of Ship it").selectOption("done");
  await expect(page.getByRole("listitem", { name: "Ship it" }).locator("p").getByText("Done", { exact: true })).toBeVisible();
  await expect(page.getByRole("listitem", { name: "Write the announcement" }).locator("p").getByText("To do", { exact: true })).toBeVisible();
  // Delete asks first: declined, the task stays; accepted, only that task goes.
  await page.getByLabel("Task title").fill("Scrap this");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByRole("listitem", { name: "Scrap this" })).toBeVisible();
  page.once("dialog", (dialog) => void dialog.dismiss());
  await page.getByRole("button", { name: "Delete Scrap this" }).click();
  await page.reload();
  await expect(page.getByRole("listitem", { name: "Scrap this" })).toBeVisible();
  // Deleted in a second tab, then changed in this one: the list says which task the change failed for, and the
  // select goes back to the saved status.
  const secondTab = await page.context().newPage();
  await secondTab.goto(page.url());
  secondTab.once("dialog", (dialog) => void dialog.accept());
  await secondTab.getByRole("button", { name: "Delete Scrap this" }).click();
  await expect(secondTab.getByRole("listitem", { name: "Scrap this" })).toHaveCount(0);
  await secondTab.close();
  await page.getByLabel("Status of Scrap this").selectOption("done");
  await expect(page.getByRole("alert").filter({ hasText: "“Scrap this”:" })).toBeVisible();
  await expect(page.getByLabel("Status of Scrap this")).toHaveValue("todo");
  await page.reload();
  await expect(page.getByRole("listitem", { name: "Scrap this" })).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Tasks" }).getByRole("listitem")).toHaveCount(2);
  const filters = page.getByRole("form", { name: "Filter tasks" });
  await filters.getByLabel("Status").selectOption("done");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("list", { name: "Tasks" }).getByRole("listitem")).toHaveCount(1);

  // Invite a teammate as a member.
  await page.goto(`${orgPath}/members`);
  await page.getByLabel("Email address").fill(memberEmail);
  await page.getByLabel("Role").selectOption("member");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  await expect(page.getByText(memberEmail)).toBeVisible();
  const inviteLink = await linkFromMailbox(page, memberEmail, "invited you");

  // The teammate, in a separate browser context, signs up from the link and joins.
  const teammateContext = await browser.newContext();
  const teammate = await teammateContext.newPage();
  await teammate.goto(inviteLink);
  await expect(teammate.getByRole("heading", { name: "Join Olivia Owner's workspace" })).toBeVisible();
  await teammate.getByRole("link", { name: "Create an account to accept" }).click();
  await expect(teammate.getByLabel("Email")).toHaveValue(memberEmail);
  await signUp(teammate, { name: "Max Member", email: memberEmail });
  await teammate.getByRole("button", { name: "Join Olivia Owner's workspace" }).click();
  await expect(teammate).toHaveURL(new RegExp(`${orgPath}$`));
  await teammate.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Projects" }).click();
  await expect(teammate.getByRole("link", { name: "Launch" })).toBeVisible();

  // The invitation link is single-use.
  await teammate.goto(inviteLink);
  await expect(teammate.getByText("This invitation has already been used.")).toBeVisible();

  // A member cannot do an admin's job: no project management, no invitations, no org settings, no task deletion.
  await teammate.goto(`${orgPath}/projects`);
  await expect(teammate.getByRole("button", { name: "Archive" })).toHaveCount(0);
  await teammate.goto(`${orgPath}/members`);
  await expect(teammate.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
  await expect(teammate.getByLabel(/Role of/)).toHaveCount(0);
  await teammate.goto(`${orgPath}/settings`);
  await expect(teammate.getByLabel("URL name")).toHaveCount(0);
  await expect(teammate.getByRole("button", { name: "Delete organization" })).toHaveCount(0);
  // ...but can create and edit tasks.
  await teammate.goto(`${orgPath}/projects`);
  await teammate.getByRole("link", { name: "Launch" }).click();
  await teammate.getByLabel("Task title").fill("Member task");
  // The assignee pickers list the organization's members (one list the page hands all its forms: member-list.ts).
  await teammate.getByRole("combobox", { name: "Assignee" }).first().selectOption({ label: "Olivia Owner" });
  await teammate.getByRole("button", { name: "Add task" }).click();
  await expect(teammate.getByRole("listitem", { name: "Member task" })).toContainText("Olivia Owner");
  const teammateFilters = teammate.getByRole("form", { name: "Filter tasks" });
  await teammateFilters.getByLabel("Assignee").selectOption({ label: "Olivia Owner" });
  await teammateFilters.getByRole("button", { name: "Filter" }).click();
  await expect(teammate.getByRole("list", { name: "Tasks" }).getByRole("listitem")).toHaveCount(1);
  await expect(teammate.getByRole("button", { name: /^Delete / })).toHaveCount(0);

  // The owner sees the newcomer in the members list and the activity on the dashboard.
  await page.goto(`${orgPath}/members`);
  await expect(page.getByRole("listitem", { name: "Max Member" })).toBeVisible();
  await page.goto(orgPath);
  await expect(page.getByText("joined as member")).toBeVisible();

  // Sign out: back to the landing page, and the app is closed again.
  await teammate.getByRole("button", { name: "Account menu" }).click();
  await teammate.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(teammate).toHaveURL(/\/$/);
  await teammate.goto(orgPath);
  await expect(teammate).toHaveURL(/\/sign-in\?callbackUrl=/);
  await teammateContext.close();
});
