import type { Sql } from "postgres";
import { withQueryCount } from "@/lib/db/query-counter";

// The hot queries' plans at scale (bench/scale.ts): each read the app makes for a page is captured as the app sends it
// (its own lib functions, statements and parameters from the drizzle logger), then run again under
// EXPLAIN (ANALYZE, BUFFERS). What it checks is what makes a query's cost independent of the table's size: no plan
// node reads more than `maxRows` rows (index used, no scan of the table), no sort takes more than `maxRows` rows in
// (no sort of the whole table), at most `maxPartitions` activity partitions give rows (pruned), and the buffers it
// needs stay under `maxBuffers`.

type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
};

export type PlanFigure = {
  name: string;
  statement: string;
  ms: number;
  buffers: number;
  rowsRead: number;
  sorted: number;
  partitions: number;
  access: string[];
  problems: string[];
};

export type PlanLimits = { maxRows: number; maxBuffers: number; maxPartitions: number };

const SCANS = new Set(["Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"]);

function walk(node: PlanNode, visit: (node: PlanNode) => void) {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Runs `run` (reads of the app), then each SELECT it sent under EXPLAIN (ANALYZE, BUFFERS); one figure per statement. */
export async function explainReads(sql: Sql, name: string, run: () => Promise<unknown>, limits: PlanLimits): Promise<PlanFigure[]> {
  const { statements, params } = await withQueryCount(run);
  const figures: PlanFigure[] = [];
  for (const [i, statement] of statements.entries()) {
    if (!/^\s*(select|with)\b/i.test(statement)) continue;
    const [row] = await sql.unsafe(`explain (analyze, buffers, format json) ${statement}`, params[i] as never[]);
    const { Plan: plan, "Execution Time": ms } = (row!["QUERY PLAN"] as { Plan: PlanNode; "Execution Time": number }[])[0]!;
    let rowsRead = 0;
    let sorted = 0;
    const partitions = new Set<string>();
    const access = new Set<string>();
    walk(plan, (node) => {
      const loops = Math.max(node["Actual Loops"], 0);
      if (SCANS.has(node["Node Type"])) {
        const read = (node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0)) * loops;
        rowsRead = Math.max(rowsRead, read);
        if (loops > 0) access.add(`${node["Node Type"]} ${node["Index Name"] ?? node["Relation Name"] ?? ""}`.trim());
      }
      // Partitions that gave rows: an ordered scan opens the next (empty or not) only until it has enough rows; a plan
      // that merges every month's newest rows takes some from each.
      if (node["Relation Name"]?.startsWith("activity_events_") && node["Actual Rows"] > 0) partitions.add(node["Relation Name"]);
      // A sort's input is what its child produced (a top-N sort returns only the first rows, but reads them all).
      if (node["Node Type"] === "Sort") for (const child of node.Plans ?? []) sorted = Math.max(sorted, child["Actual Rows"] * child["Actual Loops"]);
    });
    const buffers = (plan["Shared Hit Blocks"] ?? 0) + (plan["Shared Read Blocks"] ?? 0);
    const problems = [
      ...(rowsRead > limits.maxRows ? [`a node reads ${rowsRead.toLocaleString("en")} rows`] : []),
      ...(sorted > limits.maxRows ? [`sorts ${sorted.toLocaleString("en")} rows`] : []),
      ...(partitions.size > limits.maxPartitions ? [`touches ${partitions.size} activity partitions`] : []),
      ...(buffers > limits.maxBuffers ? [`needs ${buffers.toLocaleString("en")} buffers`] : []),
    ];
    figures.push({ name, statement, ms: Math.round(ms * 100) / 100, buffers, rowsRead, sorted, partitions: partitions.size, access: [...access], problems });
  }
  return figures;
}
