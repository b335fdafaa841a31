import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

// The dev mailbox: where mail goes when no SMTP transport is configured (zero-setup mode only).
export const mailMessages = pgTable(
  "mail_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("mail_messages_created_at_idx").on(t.createdAt)],
);
