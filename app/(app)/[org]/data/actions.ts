"use server";

import { createReport } from "@/lib/data-transfers/reports";
import { createTaskImport } from "@/lib/data-transfers/task-imports";
import { revalidateOrgPages, runAction } from "@/lib/server-action";

export async function importTasksAction(_: unknown, form: FormData) {
  return runAction("importTasks", form, async (user, input) => {
    const upload = form instanceof FormData ? form.get("file") : null;
    const file =
      upload instanceof File && upload.size > 0
        ? { name: upload.name, contentType: upload.type, data: Buffer.from(await upload.arrayBuffer()) }
        : null;
    const result = await createTaskImport({ actor: { userId: user.id }, input, file });
    await revalidateOrgPages(user, input.orgId, ["data"]);
    return result;
  }, "Import queued. Its progress shows below.");
}

export async function requestReportAction(_: unknown, form: FormData) {
  return runAction("requestReport", form, async (user, input) => {
    const result = await createReport({ actor: { userId: user.id }, input });
    await revalidateOrgPages(user, input.orgId, ["data"]);
    return result;
  }, "Report requested. We will email you when it is ready.");
}
