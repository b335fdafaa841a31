import net from "node:net";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { sendEmail } from "@/lib/email/send-email";
import { resetEnvForTests } from "@/lib/env";

// A mail server that takes the connection and never says a word (overloaded, half-dead): the send fails after
// SMTP_TIMEOUT_MS, so the job's attempt ends and is retried, instead of hanging for nodemailer's defaults (30 s for the
// greeting, 10 minutes of socket silence). The bug this guards: createTransport({ url, ...options }) keeps the url
// and silently drops every other option.

let server: net.Server;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  server = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  vi.stubEnv("SMTP_URL", `smtp://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  vi.stubEnv("SMTP_TIMEOUT_MS", "500");
  resetEnvForTests();
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  vi.unstubAllEnvs();
  resetEnvForTests();
});

it("gives up on a mail server that never greets after SMTP_TIMEOUT_MS", async () => {
  const started = Date.now();
  const error = await sendEmail({ to: "someone@example.test", subject: "Hello", text: "Hi", html: "<p>Hi</p>" }).then(
    () => null,
    (e: unknown) => e,
  );
  const elapsed = Date.now() - started;
  expect(error).toBeInstanceOf(Error);
  expect(sockets.size).toBe(1); // it did reach the server
  expect(elapsed).toBeGreaterThanOrEqual(450);
  expect(elapsed).toBeLessThan(5_000);
});
