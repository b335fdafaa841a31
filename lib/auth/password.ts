import "server-only";
import { hash, verify } from "@node-rs/argon2";

// argon2id with the library defaults (m=19 MiB, t=2, p=1): OWASP's minimum recommended configuration.
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A hash of a random string, verified when the email is unknown so both paths take the same time.
const dummyHash = hash("anatomy-timing-equalizer");

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
