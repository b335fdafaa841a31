import "server-only";
import { z } from "zod";
import { emailSchema } from "@/lib/auth/schemas";
import { getDb, type Db } from "@/lib/db/client";
import { withTx } from "@/lib/db/transaction";
import { parseOrThrow } from "@/lib/errors";
import { passwordResetSubmitted } from "@/lib/auth/events";
import { enqueueEvent } from "@/lib/jobs/outbox";
import { seal } from "@/lib/seal";

/**
 * A request for a reset link: queues the address and returns. Whether it has an account is found out by the job
 * (issue-password-reset), so this does the same work, and takes the same time, for every address — the answer cannot
 * be used to learn who has an account, by its words or by its timing.
 */
export async function submitPasswordReset({ input }: { input: unknown }, db: Db = getDb()): Promise<void> {
  const { email } = parseOrThrow(z.object({ email: emailSchema }), input);
  const sealedEmail = await seal(email);
  await withTx((tx) => enqueueEvent(tx, passwordResetSubmitted, { sealedEmail }), db);
}
