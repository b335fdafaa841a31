import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow, type WorkflowTemplate } from "@actions/workflow-parser";
import { describe, expect, it } from "vitest";

// The GitHub workflows read with GitHub's own parser (@actions/workflow-parser: the schema Actions validates against),
// then checked for what the delivery depends on: nothing deploys or migrates production before the tests and the
// migration lint have passed, production takes the domain only after its smoke tests, and a failed check after the
// switch rolls back.
const dir = path.resolve(".github/workflows");
const files = readdirSync(dir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));

type Step = { id: string; uses?: string; run: string; if: string };
type Job = { id: string; needs: string[]; ref?: string; if: string; steps: Step[] };

async function load(file: string): Promise<{ template: WorkflowTemplate; jobs: Map<string, Job>; errors: string[] }> {
  const content = readFileSync(path.join(dir, file), "utf8");
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
  errors.push(...(template.errors ?? []).map((e) => e.Message));
  const jobs = new Map<string, Job>();
  for (const job of template.jobs) {
    const steps = job.type === "job"
      ? job.steps.map((s) => {
          const step = s as unknown as { id: string; uses?: { value: string }; run?: { toString(): string }; if?: { expression: string } };
          return { id: step.id, uses: step.uses?.value, run: step.run?.toString() ?? "", if: step.if?.expression ?? "" };
        })
      : [];
    jobs.set(job.id.value, { id: job.id.value, needs: (job.needs ?? []).map((n) => n.value), ref: job.type === "reusableWorkflowJob" ? job.ref.value : undefined, if: job.if.expression, steps });
  }
  return { template, jobs, errors };
}

/** The job and every job it waits for, directly or not. */
function upstream(jobs: Map<string, Job>, id: string, seen = new Set<string>()): Set<string> {
  if (seen.has(id)) return seen;
  seen.add(id);
  for (const need of jobs.get(id)?.needs ?? []) upstream(jobs, need, seen);
  return seen;
}

const deploys = (step: Step) => /\bvercel\b.*\s(deploy|promote)\b|"\$VERCEL_CLI" (deploy|promote)\b|npm run db:migrate\b/.test(step.run);

describe("the GitHub workflows", () => {
  it.each(files)("%s parses against GitHub's workflow schema", async (file) => {
    const { errors, jobs } = await load(file);
    expect(errors).toEqual([]);
    expect(jobs.size).toBeGreaterThan(0);
  });

  it("deploy.yml: every job that deploys or migrates runs after the whole CI and the migration lint", async () => {
    const { jobs } = await load("deploy.yml");
    const deploying = [...jobs.values()].filter((job) => job.steps.some(deploys));
    expect(deploying.map((j) => j.id).sort()).toEqual(["migrate", "preview", "production"]);
    for (const job of deploying) {
      const before = [...upstream(jobs, job.id)].filter((id) => id !== job.id).map((id) => jobs.get(id)!);
      expect(before.some((j) => j.ref === "./.github/workflows/ci.yml"), `${job.id} waits for ci.yml (the tests)`).toBe(true);
      expect(before.some((j) => j.steps.some((s) => /npm run db:lint-migrations/.test(s.run))), `${job.id} waits for the migration lint`).toBe(true);
    }
    // Production's code goes out only after production's schema was migrated.
    expect(upstream(jobs, "production").has("migrate")).toBe(true);
  });

  it("deploy.yml: production is smoke-tested before it takes the domain, checked after, and rolled back on failure", async () => {
    const { jobs } = await load("deploy.yml");
    const steps = jobs.get("production")!.steps;
    const at = (test: (s: Step) => boolean) => steps.findIndex(test);
    const deploy = at((s) => /deploy --prebuilt --prod --skip-domain/.test(s.run));
    const smoke = at((s) => /playwright test --project smoke/.test(s.run));
    const promote = at((s) => /"\$VERCEL_CLI" promote/.test(s.run));
    const after = steps.findIndex((s, i) => i > promote && /playwright test --project smoke/.test(s.run));
    const rollback = at((s) => /"\$VERCEL_CLI" rollback/.test(s.run));
    expect(deploy, "a production deployment without the domain").toBeGreaterThanOrEqual(0);
    expect(smoke, "smoke tests on the new deployment").toBeGreaterThan(deploy);
    expect(promote, "promote after them").toBeGreaterThan(smoke);
    expect(after, "smoke tests on the domain after promote").toBeGreaterThan(promote);
    expect(rollback, "a rollback after those").toBeGreaterThan(after);
    expect(steps[rollback]!.if).toMatch(/failure\(\)/);
    expect(steps[rollback]!.if).toMatch(/steps\.promote\.outcome == 'success'/);
    // Migrations on production use the direct URL (session settings, an advisory lock), never the pooler.
    expect(jobs.get("migrate")!.steps.find((s) => /db:migrate/.test(s.run))).toBeDefined();
    expect(readFileSync(path.join(dir, "deploy.yml"), "utf8")).toMatch(/DATABASE_URL: \$\{\{ secrets\.DATABASE_URL_UNPOOLED \}\}/);
  });

  it("deploy.yml: a pull request gets its own database branch, migrated, a preview on it, smoke-tested, its URL posted", async () => {
    const { jobs } = await load("deploy.yml");
    const steps = jobs.get("preview")!.steps;
    const order = [
      steps.findIndex((s) => s.uses?.startsWith("neondatabase/create-branch-action")),
      steps.findIndex((s) => /npm run db:migrate/.test(s.run)),
      steps.findIndex((s) => /"\$VERCEL_CLI" deploy --prebuilt/.test(s.run)),
      steps.findIndex((s) => /playwright test --project smoke/.test(s.run)),
      steps.findIndex((s) => s.uses?.startsWith("actions/github-script")),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(jobs.get("preview-cleanup")!.steps.some((s) => s.uses?.startsWith("neondatabase/delete-branch-action"))).toBe(true);
  });

  it("rollback.yml: by hand, then the smoke tests against the domain", async () => {
    const { template, jobs } = await load("rollback.yml");
    expect(Object.keys(template.events)).toEqual(["workflow_dispatch"]);
    const steps = jobs.get("rollback")!.steps;
    const rollback = steps.findIndex((s) => /"\$VERCEL_CLI" rollback/.test(s.run));
    expect(rollback).toBeGreaterThanOrEqual(0);
    expect(steps.findIndex((s, i) => i > rollback && /playwright test --project smoke/.test(s.run))).toBeGreaterThan(rollback);
  });

  it("ci.yml: callable by deploy.yml; it runs the previous release on the new schema, builds and smoke-tests the image, validates infra/", async () => {
    const { template, jobs } = await load("ci.yml");
    expect(Object.keys(template.events)).toContain("workflow_call");
    const image = jobs.get("image")!.steps.map((s) => s.run).join("\n");
    expect(image).toMatch(/docker compose build/);
    expect(image).toMatch(/docker compose up -d --wait/);
    expect(image).toMatch(/localhost:8080\/sign-up/);
    expect(image).toMatch(/localhost:8080\/api\/ready/);
    // The previous release on this commit's schema (scripts/previous-release.ts).
    expect(jobs.get("test")!.steps.map((s) => s.run).join("\n")).toMatch(/scripts\/ci\/steps\.sh list real-services/);
    expect(readFileSync("scripts/ci/steps.sh", "utf8")).toMatch(/REAL_SERVICES_STEPS=\([^)]*\bprevious-release\b/);
    const terraform = jobs.get("terraform")!.steps.map((s) => s.run).join("\n");
    expect(terraform).toMatch(/terraform fmt -check/);
    expect(terraform).toMatch(/terraform -chdir=infra validate/);
  });

  it("Vercel's own Git deployments are off: only deploy.yml deploys, after the tests and the migrations", () => {
    expect(JSON.parse(readFileSync(path.resolve("vercel.json"), "utf8")).git).toEqual({ deploymentEnabled: false });
  });

  it("names every secret in one place: docs/deploy.md's table lists each one the workflows read", () => {
    const doc = readFileSync(path.resolve("docs/deploy.md"), "utf8");
    const used = new Set(files.flatMap((f) => [...readFileSync(path.join(dir, f), "utf8").matchAll(/\bsecrets\.([A-Z0-9_]+)/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(doc, `docs/deploy.md names the secret ${name}`).toMatch(new RegExp(`\\|\\s*\`${name}\`\\s*\\|`));
  });

  it("ci.yml and .ci/run run the same test steps: both call scripts/ci/steps.sh for each group, and no test command of their own", async () => {
    const { jobs } = await load("ci.yml");
    const workflow = [...jobs.values()].flatMap((job) => job.steps.map((step) => step.run)).join("\n");
    const local = readFileSync(".ci/run", "utf8");
    const testCommand = /\bnpm (test|run (test|bench)[\w:-]*)\b/;
    for (const [name, text] of [["ci.yml", workflow], [".ci/run", local]] as const) {
      for (const group of ["zero-setup", "real-services"]) expect(text, `${name} runs the ${group} steps`).toContain(`scripts/ci/steps.sh list ${group}`);
      const own = text.split("\n").filter((line) => !line.trim().startsWith("#") && testCommand.test(line));
      expect(own, `${name} runs tests only through scripts/ci/steps.sh`).toEqual([]);
    }
  });
});
