import { parse } from "libpg-query";

// The migration lint (`npm run db:lint-migrations`, and scripts/migration-lint.test.ts in `npm test`): every statement
// of every migration in drizzle/, read by Postgres's own parser, is refused when it would lock or break a live table
// while the previous release still runs on it (docs/deploy.md, expand → deploy → contract):
//
//   index-not-concurrent   CREATE INDEX without CONCURRENTLY (holds the table's writes for the whole build)
//   drop-index             DROP INDEX without CONCURRENTLY (an exclusive lock on the table)
//   constraint-validated   ADD FOREIGN KEY / CHECK without NOT VALID (scans the table under a lock; VALIDATE after)
//   set-not-null           SET NOT NULL (scans the table under an exclusive lock), unless a CHECK (col IS NOT NULL)
//                          added NOT VALID was validated before it (in this file or an earlier one): Postgres 12+ then
//                          takes the check as proof and skips the scan
//   column-type            ALTER COLUMN … TYPE (rewrites the table; the previous release reads the old type)
//   drop-column            DROP COLUMN (the previous release still reads it)
//   drop-table             DROP TABLE (the same)
//   rename                 RENAME of a column or table (the same)
//   volatile-default       ADD COLUMN … DEFAULT <volatile function> (rewrites the table)
//   detach-partition       DETACH PARTITION without CONCURRENTLY (an exclusive lock on the parent)
//   not-rerunnable         in a migration with a CONCURRENTLY statement (run outside a transaction, statement by
//                          statement, by lib/db/migrate.ts), a CREATE INDEX without IF NOT EXISTS or a DROP without
//                          IF EXISTS: a run cut half-way must be able to run the whole file again
//
// Statements on a table created earlier in the same migration are exempt (it is empty and nothing reads it yet). A
// statement the lint refuses goes in only with an annotation in the comment lines right above it, naming the rule and
// saying why it is safe: `-- migration-lint: allow drop-index: <reason, at least a few words>`.

export type Rule =
  | "index-not-concurrent"
  | "drop-index"
  | "constraint-validated"
  | "set-not-null"
  | "column-type"
  | "drop-column"
  | "drop-table"
  | "rename"
  | "volatile-default"
  | "detach-partition"
  | "not-rerunnable";

export type Finding = { file: string; line: number; rule: Rule | "annotation"; statement: string; message: string };

type Node = Record<string, unknown>;
type RawStmt = { stmt: Node; stmt_location?: number; stmt_len?: number };

// Functions whose default rewrites every row (Postgres adds a non-volatile default without a rewrite since 11).
const VOLATILE = new Set(["random", "gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1", "clock_timestamp", "timeofday", "nextval", "txid_current"]);
const ANNOTATION = /--\s*migration-lint:\s*allow\s+([a-z-]+)\s*:\s*(.*)$/gm;
const MIN_REASON = 15;

function relname(node: unknown): string | undefined {
  return (node as { relname?: string } | undefined)?.relname;
}

function functionNames(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) functionNames(item, into);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "FuncCall") {
        const names = ((value as { funcname?: { String?: { sval: string } }[] }).funcname ?? []).map((n) => n.String?.sval ?? "");
        into.push(names.at(-1)!.toLowerCase());
      }
      functionNames(value, into);
    }
  }
  return into;
}

/** `col` when a check constraint's expression is exactly `col IS NOT NULL`. */
function notNullColumn(expr: unknown): string | undefined {
  const test = (expr as { NullTest?: { nulltesttype?: string; arg?: { ColumnRef?: { fields?: { String?: { sval: string } }[] } } } } | undefined)?.NullTest;
  if (test?.nulltesttype !== "IS_NOT_NULL") return undefined;
  return test.arg?.ColumnRef?.fields?.at(-1)?.String?.sval;
}

/**
 * What the lint remembers from one migration to the next (pass the same one over the files in order): the NOT VALID
 * `IS NOT NULL` checks by table and name, and the columns whose check has been validated.
 */
export type LintState = { pendingNotNull: Map<string, string>; provenNotNull: Set<string> };
export const newLintState = (): LintState => ({ pendingNotNull: new Map(), provenNotNull: new Set() });

/** What a statement does that the rules refuse, given the tables created earlier in the file. */
function violations(stmt: Node, created: Set<string>, state: LintState): { rule: Finding["rule"]; message: string }[] {
  const [kind, body] = Object.entries(stmt)[0] as [string, Node];
  const found: { rule: Finding["rule"]; message: string }[] = [];
  const onExisting = (table: string | undefined) => table !== undefined && !created.has(table);
  if (kind === "IndexStmt" && !body.concurrent && onExisting(relname(body.relation))) {
    found.push({ rule: "index-not-concurrent", message: `CREATE INDEX on ${relname(body.relation)} without CONCURRENTLY holds its writes for the whole build` });
  }
  if (kind === "DropStmt") {
    if (body.removeType === "OBJECT_INDEX" && !body.concurrent) found.push({ rule: "drop-index", message: "DROP INDEX without CONCURRENTLY takes an exclusive lock on its table" });
    if (body.removeType === "OBJECT_TABLE") found.push({ rule: "drop-table", message: "DROP TABLE: the previous release may still read it" });
  }
  if (kind === "RenameStmt" && (body.renameType === "OBJECT_COLUMN" || body.renameType === "OBJECT_TABLE")) {
    found.push({ rule: "rename", message: `RENAME of a ${body.renameType === "OBJECT_COLUMN" ? "column" : "table"}: the previous release still uses the old name` });
  }
  if (kind === "AlterTableStmt") {
    const table = relname(body.relation);
    for (const { AlterTableCmd: cmd } of (body.cmds ?? []) as { AlterTableCmd: Node }[]) {
      const def = cmd.def as Node | undefined;
      switch (cmd.subtype) {
        case "AT_AddConstraint": {
          const c = (def as { Constraint?: Node } | undefined)?.Constraint;
          const column = c?.contype === "CONSTR_CHECK" ? notNullColumn(c.raw_expr) : undefined;
          if (column && c?.skip_validation) state.pendingNotNull.set(`${table}.${String(c.conname)}`, column);
          if (c && (c.contype === "CONSTR_FOREIGN" || c.contype === "CONSTR_CHECK") && !c.skip_validation && onExisting(table)) {
            found.push({ rule: "constraint-validated", message: `ADD ${c.contype === "CONSTR_FOREIGN" ? "FOREIGN KEY" : "CHECK"} on ${table} without NOT VALID checks every row under a lock (add it NOT VALID, then VALIDATE CONSTRAINT)` });
          }
          break;
        }
        case "AT_ValidateConstraint": {
          const column = state.pendingNotNull.get(`${table}.${String(cmd.name)}`);
          if (column) state.provenNotNull.add(`${table}.${column}`);
          break;
        }
        case "AT_SetNotNull":
          if (onExisting(table) && !state.provenNotNull.has(`${table}.${String(cmd.name)}`)) found.push({ rule: "set-not-null", message: `SET NOT NULL on ${table}.${String(cmd.name)} scans the table under an exclusive lock (add a CHECK (… IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL)` });
          break;
        case "AT_AlterColumnType":
          if (onExisting(table)) found.push({ rule: "column-type", message: `ALTER COLUMN ${String(cmd.name)} TYPE rewrites ${table}, and the previous release reads the old type` });
          break;
        case "AT_DropColumn":
          if (onExisting(table)) found.push({ rule: "drop-column", message: `DROP COLUMN ${String(cmd.name)}: the previous release still reads it` });
          break;
        case "AT_AddColumn": {
          const volatile = functionNames(def).filter((f) => VOLATILE.has(f));
          if (volatile.length && onExisting(table)) found.push({ rule: "volatile-default", message: `ADD COLUMN with the volatile default ${volatile[0]}() rewrites every row of ${table}` });
          break;
        }
        case "AT_DetachPartition":
          if (!(def as { PartitionCmd?: Node } | undefined)?.PartitionCmd?.concurrent) {
            found.push({ rule: "detach-partition", message: `DETACH PARTITION without CONCURRENTLY takes an exclusive lock on ${table}` });
          }
          break;
      }
    }
  }
  return found;
}

/** The findings of one migration file's SQL; empty when it is safe or every refusal is annotated with a reason. */
export async function lintMigration(file: string, sql: string, state: LintState = newLintState()): Promise<Finding[]> {
  const bytes = Buffer.from(sql);
  const lineAt = (offset: number) => bytes.subarray(0, offset).toString().split("\n").length;
  const { stmts } = (await parse(sql)) as { stmts: RawStmt[] };
  const created = new Set<string>();
  const findings: Finding[] = [];
  const concurrent = (n: Node) => {
    const [kind, body] = Object.entries(n)[0] as [string, Node];
    if (kind === "IndexStmt" || kind === "DropStmt") return body.concurrent === true;
    if (kind === "AlterTableStmt") return ((body.cmds ?? []) as { AlterTableCmd: Node }[]).some(({ AlterTableCmd: c }) => (c.def as { PartitionCmd?: Node } | undefined)?.PartitionCmd?.concurrent === true);
    if (kind === "ReindexStmt") return ((body.params ?? []) as { DefElem?: { defname?: string } }[]).some((p) => p.DefElem?.defname === "concurrently");
    if (kind === "RefreshMatViewStmt") return body.concurrent === true;
    return false;
  };
  const outsideTransaction = stmts.some((raw) => concurrent(raw.stmt));
  // drizzle-kit's breakpoints: the runner sends each chunk as one query (an implicit transaction when it holds several
  // statements, where CONCURRENTLY is refused).
  const breakpoints = [...sql.matchAll(/--> statement-breakpoint/g)].map((m) => Buffer.byteLength(sql.slice(0, m.index)));
  const chunkOf = (offset: number) => breakpoints.filter((b) => b < offset).length;
  const perChunk = new Map<number, number>();
  for (const raw of stmts) perChunk.set(chunkOf(raw.stmt_location ?? 0), (perChunk.get(chunkOf(raw.stmt_location ?? 0)) ?? 0) + 1);
  let previousEnd = 0;
  for (const raw of stmts) {
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    // The comment lines between the previous statement and this one.
    const before = bytes.subarray(previousEnd, start).toString();
    previousEnd = end + 1;
    const text = bytes.subarray(start, end).toString().trim();
    const allowed = new Map<string, string>();
    for (const [, rule, reason] of before.matchAll(ANNOTATION)) allowed.set(rule!, reason!.trim());
    for (const [rule, reason] of allowed) {
      if (reason.length < MIN_REASON) {
        findings.push({ file, line: lineAt(start), rule: "annotation", statement: text, message: `the annotation allowing ${rule} must say why it is safe (a reason of ${MIN_REASON}+ characters)` });
      }
    }
    const found = violations(raw.stmt, created, state);
    if (outsideTransaction) {
      const [kind, body] = Object.entries(raw.stmt)[0] as [string, Node];
      const rerunnable =
        (kind === "IndexStmt" && body.if_not_exists === true) ||
        (kind === "DropStmt" && body.missing_ok === true) ||
        kind === "ReindexStmt" ||
        kind === "RefreshMatViewStmt" ||
        // A detach alone in its file: either it ran (the file is recorded) or it did not (a pending detach needs FINALIZE).
        (kind === "AlterTableStmt" && concurrent(raw.stmt) && stmts.length === 1);
      if (!rerunnable) {
        found.push({
          rule: "not-rerunnable",
          message: `this migration runs outside a transaction (it has a CONCURRENTLY statement), so a run cut half-way runs it again: ${kind === "IndexStmt" ? "CREATE INDEX needs IF NOT EXISTS" : kind === "DropStmt" ? "DROP needs IF EXISTS" : "put this statement in a migration of its own (one transaction)"}`,
        });
      }
      if (concurrent(raw.stmt) && (perChunk.get(chunkOf(start)) ?? 0) > 1) {
        found.push({ rule: "not-rerunnable", message: "a CONCURRENTLY statement must sit alone between --> statement-breakpoint markers (several statements in one query run as one transaction, where Postgres refuses it)" });
      }
    }
    for (const v of found) {
      if ((allowed.get(v.rule)?.length ?? 0) >= MIN_REASON) continue;
      findings.push({ file, line: lineAt(start), rule: v.rule, statement: text.length > 160 ? `${text.slice(0, 157)}…` : text, message: v.message });
    }
    const createdTable = relname((raw.stmt.CreateStmt as Node | undefined)?.relation);
    if (createdTable) created.add(createdTable);
  }
  return findings;
}
