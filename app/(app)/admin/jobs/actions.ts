"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AppError, parseOrThrow } from "@/lib/errors";
import { retryDeadOutboxEvents } from "@/lib/jobs/outbox";
import { runAction, type ActionState } from "@/lib/server-action";

const retryInput = z.object({ eventId: z.union([z.literal("all"), z.uuid("Not an event id.")]) });

/** Platform admins: dead-lettered outbox events (one, or all) get their attempts back and are dispatched now. */
export async function retryDeadEventsAction(_: ActionState<{ retried: number }>, form: FormData): Promise<ActionState<{ retried: number }>> {
  return runAction("retryDeadEvents", form, async (user, input) => {
    // The same answer as the page gives anyone else: the admin area does not say it exists.
    if (!user.isPlatformAdmin) throw new AppError("not_found", "Not found.");
    const { eventId } = parseOrThrow(retryInput, input);
    const retried = await retryDeadOutboxEvents(eventId === "all" ? "all" : { ids: [eventId] });
    if (retried === 0) throw new AppError("not_found", "Nothing to retry: the event was delivered or retried already.");
    revalidatePath("/admin/jobs");
    return { retried };
  });
}
