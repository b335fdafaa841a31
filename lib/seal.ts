import "server-only";
import { hkdfSync } from "node:crypto";
import { compactDecrypt, CompactEncrypt } from "jose";
import { getAuthSecret } from "@/lib/env";

// Secrets that must travel through a queue (a verification or invitation link token on its way to the email job) are
// sealed with a key derived from AUTH_SECRET: the outbox row, Inngest's event store and its dashboard only ever see
// ciphertext. AES-256-GCM in a JWE (jose), with a key of its own (HKDF), not the session key itself.

function key(): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", getAuthSecret(), "anatomy", "anatomy/sealed-payload/v1", 32));
}

export async function seal(plaintext: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg: "dir", enc: "A256GCM" }).encrypt(key());
}

/** The sealed text, or an error when it was not sealed with this AUTH_SECRET (or was tampered with). */
export async function unseal(sealed: string): Promise<string> {
  const { plaintext } = await compactDecrypt(sealed, key());
  return new TextDecoder().decode(plaintext);
}
