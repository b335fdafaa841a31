const KEY = Symbol.for("anatomy.processState");

/**
 * State kept once per process. Next compiles instrumentation, route handlers and pages into separate module graphs
 * (and `next dev` evaluates modules again after a change), so a module-level variable can exist several times over in
 * one server: the database pool, the cache store or the job executor would be created once per copy. The object this
 * returns for a name is the same in every copy: `init` runs once, on the first call.
 */
export function processState<T extends object>(name: string, init: () => T): T {
  const store = globalThis as typeof globalThis & { [KEY]?: Map<string, object> };
  const states = (store[KEY] ??= new Map());
  let state = states.get(name) as T | undefined;
  if (!state) {
    state = init();
    states.set(name, state);
  }
  return state;
}
