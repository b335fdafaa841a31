import "server-only";
import { desc } from "drizzle-orm";
import { mailMessages } from "@/db/schema";
import { getDb } from "@/lib/db/client";

export async function listMailbox(limit = 50) {
  return getDb().select().from(mailMessages).orderBy(desc(mailMessages.createdAt)).limit(limit);
}
