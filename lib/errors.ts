import { z } from "zod";

export type AppErrorCode =
  | "invalid_input"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "gone"
  | "rate_limited";

/** The one code -> HTTP status map. */
export const httpStatusByCode: Record<AppErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  rate_limited: 429,
};

/** An expected failure whose message is safe to show to the user. */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }

  get status(): number {
    return httpStatusByCode[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Turns a zod failure into an invalid_input AppError with per-field messages. */
export function invalidInput(error: z.ZodError, message = "Please correct the highlighted fields."): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join(".") : "_form";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return new AppError("invalid_input", message, fieldErrors);
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}

/** Postgres unique violation (23505), from postgres.js or PGlite. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  let e: unknown = error;
  // drizzle wraps driver errors in `cause`.
  for (let depth = 0; e && depth < 3; depth++) {
    const candidate = e as { code?: string; constraint?: string; constraint_name?: string; cause?: unknown };
    if (candidate.code === "23505") {
      return !constraint || candidate.constraint === constraint || candidate.constraint_name === constraint;
    }
    e = candidate.cause;
  }
  return false;
}
