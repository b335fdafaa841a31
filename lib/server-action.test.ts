import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError, parseOrThrow } from "@/lib/errors";
import { createProjectInput } from "@/lib/projects/schemas";
import { rateLimitPolicies } from "@/lib/cache/rate-limit-policies";
import { formToObject, runActionAs, runPublicAction, toActionError } from "@/lib/server-action";

describe("server action plumbing", () => {
  it("runs a public action: the data on success, an AppError's message, a known error recovered, the rest with a ref; secrets not echoed", async () => {
    const form = new FormData();
    form.set("email", "ada@example.test");
    form.set("password", "hunter2-hunter2");
    expect(await runPublicAction("x", form, async (input) => input.email, { message: "Sent." })).toEqual({ ok: true, data: "ada@example.test", message: "Sent." });
    const refused = await runPublicAction("x", form, async () => {
      throw new AppError("rate_limited", "Too many tries.");
    });
    expect(refused).toMatchObject({ ok: false, error: "Too many tries.", values: { email: "ada@example.test" } });
    expect(refused && !refused.ok && refused.values).not.toHaveProperty("password");
    const recover = (error: unknown) => (error instanceof RangeError ? "Known trouble." : undefined);
    expect(await runPublicAction("x", form, async () => Promise.reject(new RangeError("internal detail")), { recover })).toMatchObject({ ok: false, error: "Known trouble." });
    const unknown = await runPublicAction("x", form, async () => Promise.reject(new Error("internal detail")), { recover });
    expect(unknown && !unknown.ok && unknown.error).toMatch(/^Something went wrong \(ref .+\)\.$/);
  });

  it("reads form fields and drops React's internal action fields", () => {
    const form = new FormData();
    form.set("name", "Launch");
    form.set("$ACTION_ID_abc", "");
    form.set("file", new Blob(["x"]));
    expect(formToObject(form)).toEqual({ name: "Launch", file: undefined });
    expect(formToObject(null)).toEqual({});
  });

  it("turns a validation failure into a message with per-field errors", async () => {
    let error: unknown;
    try {
      parseOrThrow(createProjectInput, { orgId: "not-a-uuid", name: "" });
    } catch (e) {
      error = e;
    }
    const state = await toActionError(error, "createProject");
    expect(state).toMatchObject({ ok: false, fieldErrors: { orgId: ["Invalid id."], name: ["Enter a name."] } });
  });

  it("passes an AppError's message through", async () => {
    expect(await toActionError(new AppError("forbidden", "Not for you."), "x")).toEqual({
      ok: false,
      error: "Not for you.",
      fieldErrors: undefined,
    });
  });

  it("never shows an unexpected error's message: a generic text with a reference instead", async () => {
    const state = await toActionError(new Error("duplicate key value violates constraint users_pkey; password=hunter2"), "x");
    expect(state?.ok).toBe(false);
    const message = state && !state.ok ? state.error : "";
    expect(message).toMatch(/^Something went wrong \(ref [\w-]+\)\.$/);
    expect(message).not.toContain("hunter2");
  });

  it("limits each user's mutations: over the allowance the action body does not run and the form says when to retry", async () => {
    const user = { id: randomUUID(), email: "busy@example.test", name: "Busy", emailVerified: null, isPlatformAdmin: false };
    let runs = 0;
    const act = () => runActionAs(user, "busyAction", new FormData(), async () => ++runs);
    const { limit } = rateLimitPolicies.mutations;
    for (let i = 0; i < limit; i++) expect(await act()).toMatchObject({ ok: true });
    const refused = await act();
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many attempts\. Try again in \d+ seconds?\.$/) });
    expect(runs).toBe(limit);
    // Someone else is not affected.
    expect(await runActionAs({ ...user, id: randomUUID() }, "busyAction", null, async () => "ok")).toMatchObject({ ok: true, data: "ok" });
  });
});
