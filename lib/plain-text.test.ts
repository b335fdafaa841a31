import { eq } from "drizzle-orm";
import { z } from "zod";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { organizations, taskImports, tasks } from "@/db/schema";
import { registerUser, updateProfile } from "@/lib/auth/account";
import { getDb } from "@/lib/db/client";
import { createOrganization } from "@/lib/orgs/create-organization";
import { updateOrganization } from "@/lib/orgs/update-organization";
import { isPlainText, multilineText, notMultilineTextMessage, notPlainTextMessage } from "@/lib/plain-text";
import { createProject, renameProject } from "@/lib/projects/projects";
import { createTaskImport, importTaskChunk, prepareTaskImport } from "@/lib/data-transfers/task-imports";
import { createTask, updateTask } from "@/lib/projects/tasks";
import {
  createOrgWithRoles,
  createProjectFor,
  createTaskFor,
  createUser,
  getUserByEmail,
  getUserById,
  mailTo,
  snapshotOrg,
  uniqueEmail,
} from "@/lib/testing/factories";
import { setEventSenderForTests } from "@/lib/testing/jobs";

// Free text that others read (names in mail subjects and bodies, titles in CSV exports) refuses control, line-break and
// bidi-override characters with a field error, and nothing is written. One case per schema, through its service.

// Queued job events are captured, not run: the in-process executor must not import or mail in the background.
beforeEach(() => setEventSenderForTests(async () => {}));
afterEach(() => setEventSenderForTests(undefined));

const refused = [
  ["a line feed", "Alice\nBcc: victim@example.test"],
  ["a carriage return", "Alice\rSubject: hi"],
  ["a tab", "Alice\tSmith"],
  ["a NUL", "Alice\u0000"],
  ["an escape (C0)", "Alice\u001b[31m"],
  ["DEL", "Alice\u007f"],
  ["a C1 control (NEL)", "Alice\u0085Bob"],
  ["a right-to-left override", "Invoice \u202Egpj.exe"],
  ["a left-to-right embedding", "\u202AAlice"],
  ["a first-strong isolate", "Alice\u2068Bob\u2069"],
  ["a line separator", "Alice\u2028Bob"],
] as const;

describe("isPlainText", () => {
  it.each(refused)("refuses %s", (_label, value) => {
    expect(isPlainText(value)).toBe(false);
  });

  it.each([
    ["accented Latin", "Zoë Ångström-Núñez"],
    ["Hebrew", "שלום עולם"],
    ["Arabic with a right-to-left mark", "مرحبا\u200Fبالعالم"],
    ["CJK and emoji", "東京 チーム 🚀"],
    ["punctuation", `O'Brien & Co. (#1) "quoted" — ok?`],
  ])("accepts %s", (_label, value) => {
    expect(isPlainText(value)).toBe(true);
  });
});

const nameError = { code: "invalid_input", fieldErrors: { name: [notPlainTextMessage] } };
const titleError = { code: "invalid_input", fieldErrors: { title: [notPlainTextMessage] } };

describe("user names", () => {
  it.each(refused)("sign-up refuses a name with %s, creating no account and sending no mail", async (_label, name) => {
    const email = uniqueEmail("ctl");
    await expect(registerUser({ input: { name, email, password: "correct horse battery" } })).rejects.toMatchObject(nameError);
    expect(await getUserByEmail(email)).toBeUndefined();
    expect(await mailTo(email)).toHaveLength(0);
  });

  it("a profile update refuses a name with a line break and keeps the old name", async () => {
    const user = await createUser({ name: "Plain Name" });
    await expect(updateProfile({ userId: user.id, input: { name: "Plain\r\nName" } })).rejects.toMatchObject(nameError);
    expect((await getUserById(user.id))!.name).toBe("Plain Name");
  });
});

describe("organization names", () => {
  it("creating an organization refuses a name with a bidi override and creates nothing", async () => {
    const user = await createUser();
    const name = `Acme \u202Eetaroproc ${user.id.slice(0, 8)}`;
    await expect(createOrganization({ ownerId: user.id, name })).rejects.toMatchObject(nameError);
    expect(await getDb().select().from(organizations).where(eq(organizations.name, name))).toEqual([]);
  });

  it("renaming an organization refuses a name with a line feed and changes nothing", async () => {
    const { org, actors } = await createOrgWithRoles();
    const before = await snapshotOrg(org.id);
    await expect(
      updateOrganization({ actor: actors.owner, input: { orgId: org.id, name: "Acme\nBcc: x@example.test", slug: org.slug } }),
    ).rejects.toMatchObject(nameError);
    expect(await snapshotOrg(org.id)).toEqual(before);
  });
});

describe("project names and task titles", () => {
  it("creating and renaming a project refuse a name with a C1 control; nothing changes", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id, "Roadmap");
    const before = await snapshotOrg(org.id);
    await expect(createProject({ actor: actors.member, input: { orgId: org.id, name: "Road\u0085map" } })).rejects.toMatchObject(nameError);
    await expect(
      renameProject({ actor: actors.admin, input: { orgId: org.id, projectId: project.id, name: "Road\u2066map" } }),
    ).rejects.toMatchObject(nameError);
    expect(await snapshotOrg(org.id)).toEqual(before);
  });

  it("creating and editing a task refuse a title with a tab or an RTL override; nothing changes", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const task = await createTaskFor(org.id, project.id, owner.id, "Write the brief");
    const before = await snapshotOrg(org.id);
    await expect(
      createTask({ actor: actors.member, input: { orgId: org.id, projectId: project.id, title: "\t=HYPERLINK(\"x\")" } }),
    ).rejects.toMatchObject(titleError);
    await expect(
      updateTask({ actor: actors.member, input: { orgId: org.id, taskId: task.id, title: "Pay \u202Eecioval" } }),
    ).rejects.toMatchObject(titleError);
    expect(await snapshotOrg(org.id)).toEqual(before);
  });

  it("an import reports a row whose title has a line break or control character and imports the others", async () => {
    const { org, owner, actors } = await createOrgWithRoles();
    const project = await createProjectFor(org.id, owner.id);
    const csv = ["title,status", '"Two\nlines",todo', "Fine,todo", "Bell\u0007,todo", "Über \u2067x\u2069,todo"].join("\n");
    const { importId } = await createTaskImport({
      actor: actors.admin,
      input: { orgId: org.id, projectId: project.id },
      file: { name: "tasks.csv", contentType: "text/csv", data: Buffer.from(csv) },
    });
    await prepareTaskImport(importId);
    await importTaskChunk(importId, 0);

    const [row] = await getDb().select().from(taskImports).where(eq(taskImports.id, importId));
    const message = "title has a line break, tab or control or text-direction character";
    // Lines as the file counts them: the quoted two-line title takes lines 2 and 3.
    expect(row!.rowErrors).toEqual([
      { row: 2, message },
      { row: 5, message },
      { row: 6, message },
    ]);
    const stored = await getDb().select({ title: tasks.title }).from(tasks).where(eq(tasks.orgId, org.id));
    expect(stored.map((t) => t.title)).toEqual(["Fine"]);
  });
});

describe("multilineText", () => {
  const schema = multilineText().pipe(z.string().trim().min(1));
  it("keeps line breaks, stored as LF whatever the form sent", () => {
    expect(schema.parse("first line\r\nsecond\rthird\n")).toBe("first line\nsecond\nthird");
  });
  it.each([["a tab", "a\tb"], ["an escape", "a\u001b[31mb"], ["a bidi override", "a\u202eb"], ["a line separator", "a\u2028b"], ["NUL", "a\u0000b"]])(
    "refuses %s with its message",
    (_name, value) => {
      const result = schema.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.message)).toEqual([notMultilineTextMessage]);
    },
  );
});
