import { AsyncLocalStorage } from "node:async_hooks";

// Counts the SQL statements issued inside a scope (a request, a test). Fed by the drizzle logger in client.ts.
// Tests use it to prove list pages make a fixed number of queries; the per-request metrics build on it.

type Scope = { count: number; statements: string[]; params: unknown[][] };
const storage = new AsyncLocalStorage<Scope>();

export function recordQuery(statement: string, params: unknown[] = []): void {
  const scope = storage.getStore();
  if (!scope) return;
  scope.count += 1;
  if (scope.statements.length < 100) {
    scope.statements.push(statement);
    scope.params.push(params);
  }
}

/** `statements` and their `params` (the first 100): what bench:scale runs again under EXPLAIN. */
export async function withQueryCount<T>(fn: () => Promise<T>): Promise<{ result: T; count: number; statements: string[]; params: unknown[][] }> {
  const scope: Scope = { count: 0, statements: [], params: [] };
  const result = await storage.run(scope, fn);
  return { result, count: scope.count, statements: scope.statements, params: scope.params };
}
