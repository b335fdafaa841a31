import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { closeDb, getDb, getDbHandle } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { installEventSender } from "@/lib/inngest/start";
import { createInvitation } from "@/lib/orgs/invitations";
import { createOrganization } from "@/lib/orgs/create-organization";
import { changeMemberRole } from "@/lib/orgs/members";
import { createProject } from "@/lib/projects/projects";
import { createTask } from "@/lib/projects/tasks";
import { createComment } from "@/lib/comments/comments";
import { memberships } from "@/db/schema";
import type { TaskStatus } from "@/lib/projects/schemas";

// `npm run db:seed`: a demo organization with three users (one per role), projects, tasks and a few comments.
// Idempotent: does nothing when the demo owner already exists. Sign in as owner@demo.test / demo-password.

const PASSWORD = "demo-password";
const people = [
  { name: "Olivia Owner", email: "owner@demo.test", role: "owner" as const },
  { name: "Adam Admin", email: "admin@demo.test", role: "admin" as const },
  { name: "Mia Member", email: "member@demo.test", role: "member" as const },
];

async function main() {
  // The invitation below queues its email, sent from this process as a server would.
  installEventSender();
  const handle = getDbHandle();
  if (handle.kind === "pglite") await migrateDatabase(handle);
  const db = getDb();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, people[0]!.email));
  if (existing) {
    console.log("Demo data already present (owner@demo.test). Nothing to do.");
    return;
  }
  const passwordHash = await hashPassword(PASSWORD);
  const ids: string[] = [];
  for (const p of people) {
    const [u] = await db.insert(users).values({ name: p.name, email: p.email, passwordHash, emailVerified: new Date() }).returning({ id: users.id });
    ids.push(u!.id);
  }
  const [ownerId, adminId, memberId] = ids as [string, string, string];
  const org = await createOrganization({ ownerId, name: "Acme Demo" });
  await db.insert(memberships).values([
    { orgId: org.id, userId: adminId, role: "member" },
    { orgId: org.id, userId: memberId, role: "member" },
  ]);
  const owner = { userId: ownerId };
  await changeMemberRole({ actor: owner, input: { orgId: org.id, userId: adminId, role: "admin" } });
  await createInvitation({ actor: owner, input: { orgId: org.id, email: "newcomer@demo.test", role: "member" } });

  const statuses: TaskStatus[] = ["todo", "in_progress", "done"];
  const plans = [
    { name: "Website relaunch", tasks: ["Write the homepage copy", "Pick a typeface", "Set up analytics", "Accessibility review", "Launch checklist"] },
    { name: "Mobile app", tasks: ["Sketch onboarding", "Push notifications", "Offline mode spike", "App store screenshots"] },
    { name: "Q1 hiring", tasks: ["Job description: backend", "Schedule interviews", "Reference checks"] },
  ];
  let n = 0;
  for (const plan of plans) {
    const project = await createProject({ actor: owner, input: { orgId: org.id, name: plan.name } });
    for (const title of plan.tasks) {
      const due = new Date(Date.now() + (n % 9) * 86_400_000).toISOString().slice(0, 10);
      const task = await createTask({
        actor: { userId: ids[n % 3]! },
        input: { orgId: org.id, projectId: project.id, title, status: statuses[n % 3], assigneeId: ids[(n + 1) % 3], dueOn: n % 2 ? due : "" },
      });
      if (n === 0) {
        // A short conversation on the first task, with a mention (its email goes to the dev mailbox).
        await createComment({ actor: owner, input: { orgId: org.id, taskId: task.id, body: "@Mia Member could you draft the hero section first?\nThe rest can wait for the typeface." } });
        await createComment({ actor: { userId: ids[2]! }, input: { orgId: org.id, taskId: task.id, body: "On it. @Adam Admin, do we have the product screenshots yet?" } });
      }
      n++;
    }
  }
  console.log(`Seeded "${org.name}" at /${org.slug}: ${people.map((p) => `${p.email} (${p.role})`).join(", ")}; password "${PASSWORD}".`);
}

await main();
await closeDb();
