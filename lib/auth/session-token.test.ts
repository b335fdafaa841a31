import { afterEach, describe, expect, it, vi } from "vitest";
import { encode } from "next-auth/jwt";
import { getAuthSecret } from "@/lib/env";
import { clearDecodedSessionsForTests, readSessionToken, usesSecureSessionCookie } from "@/lib/auth/session-token";

const decodes = vi.hoisted(() => ({ count: 0 }));
vi.mock("next-auth/jwt", async (importOriginal) => {
  const original = await importOriginal<typeof import("next-auth/jwt")>();
  return {
    ...original,
    decode: async (params: Parameters<typeof original.decode>[0]) => {
      decodes.count++;
      return original.decode(params);
    },
  };
});

const COOKIE = "authjs.session-token"; // APP_URL is http in tests

async function cookieFor(claims: Record<string, unknown>, maxAge = 3600) {
  const token = await encode({ token: claims, secret: getAuthSecret(), salt: COOKIE, maxAge });
  return new Headers({ cookie: `${COOKIE}=${token}` });
}

afterEach(() => {
  clearDecodedSessionsForTests();
  decodes.count = 0;
  vi.useRealTimers();
});

describe("readSessionToken", () => {
  it("returns the claims of a valid session cookie, decoding it once for every later request", async () => {
    const headers = await cookieFor({ sub: "user-1", sv: 3, sid: "s".repeat(20), sidExp: 2_000_000_000 });
    for (let i = 0; i < 5; i++) expect(await readSessionToken(headers)).toMatchObject({ sub: "user-1", sv: 3, sid: "s".repeat(20) });
    expect(decodes.count).toBe(1);
  });

  it("refuses a forged or tampered cookie, every time", async () => {
    const headers = await cookieFor({ sub: "user-1" });
    // A character in the middle of the ciphertext (the last character of a segment may carry only padding bits).
    const [name, token] = headers.get("cookie")!.split("=") as [string, string];
    const parts = token.split(".");
    const ciphertext = parts[3]!;
    const at = Math.floor(ciphertext.length / 2);
    parts[3] = `${ciphertext.slice(0, at)}${ciphertext[at] === "A" ? "Q" : "A"}${ciphertext.slice(at + 1)}`;
    const tampered = `${name}=${parts.join(".")}`;
    expect(await readSessionToken(new Headers({ cookie: tampered }))).toBeNull();
    expect(await readSessionToken(new Headers({ cookie: `${COOKIE}=not-a-token` }))).toBeNull();
    expect(await readSessionToken(new Headers({ cookie: tampered }))).toBeNull();
  });

  it("stops accepting a remembered token once it expires", async () => {
    const headers = await cookieFor({ sub: "user-1" }, 60);
    expect(await readSessionToken(headers)).toMatchObject({ sub: "user-1" });
    vi.useFakeTimers({ now: Date.now() + 120_000, toFake: ["Date"] });
    expect(await readSessionToken(headers)).toBeNull();
  });

  it("reads only the cookie: a token in an Authorization header is not a session", async () => {
    const headers = await cookieFor({ sub: "user-1" });
    const token = headers.get("cookie")!.slice(COOKIE.length + 1);
    expect(await readSessionToken(new Headers({ authorization: `Bearer ${token}` }))).toBeNull();
  });
});

describe("usesSecureSessionCookie", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("follows AUTH_URL's protocol when it is set (lib/env.ts pins it to APP_URL)", () => {
    vi.stubEnv("AUTH_URL", "https://app.example");
    expect(usesSecureSessionCookie("authjs.session-token=x")).toBe(true);
    vi.stubEnv("AUTH_URL", "http://localhost:3000");
    expect(usesSecureSessionCookie("__Secure-authjs.session-token=x")).toBe(false);
  });

  it("without AUTH_URL, follows the cookie the browser sent over https (as Auth.js names it after the request)", () => {
    vi.stubEnv("AUTH_URL", "");
    expect(usesSecureSessionCookie("a=1; __Secure-authjs.session-token=x")).toBe(true);
    expect(usesSecureSessionCookie("__Secure-authjs.session-token.0=x")).toBe(true);
    expect(usesSecureSessionCookie("authjs.session-token=x")).toBe(false);
  });
});
