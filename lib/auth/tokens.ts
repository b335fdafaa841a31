import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { tokenSchema } from "@/lib/auth/schemas";
import { AppError } from "@/lib/errors";

/** A random URL-safe token and the SHA-256 that is stored in its place. */
export function generateToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A token from a link (a form field, a URL segment) as the services take it: well-formed, or a message to the user. */
export function parseLinkToken(token: unknown): string {
  const parsed = tokenSchema.safeParse(token);
  if (!parsed.success) throw new AppError("invalid_input", "This link is incomplete. Open the link from your email again.");
  return parsed.data;
}
