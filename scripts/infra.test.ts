import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { PRODUCTION_CLIENT_ADDRESS, PRODUCTION_REQUIRED } from "@/lib/env";

// infra/ (Terraform) read with HashiCorp's own HCL parser (compiled to WebAssembly: @cdktf/hcl2json). Terraform and its
// providers cannot be downloaded here: `terraform fmt -check` and `terraform validate` run in the GitHub workflow.
const dir = path.resolve("infra");
type Hcl = {
  resource?: Record<string, Record<string, Record<string, unknown>[]>>;
  variable?: Record<string, { sensitive?: boolean; default?: unknown }[]>;
  locals?: Record<string, unknown>[];
  provider?: Record<string, Record<string, unknown>[]>;
};

async function load(): Promise<{ files: Record<string, string>; hcl: Hcl[] }> {
  const files = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith(".tf")).map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
  const hcl = await Promise.all(Object.entries(files).map(([name, text]) => parse(name, text) as Promise<Hcl>));
  return { files, hcl };
}

describe("infra/ (Terraform)", () => {
  it("parses, and the production environment it gives Vercel sets every variable lib/env.ts requires in production", async () => {
    const { hcl } = await load();
    const locals = Object.assign({}, ...hcl.flatMap((h) => h.locals ?? [])) as { production_env?: Record<string, string> };
    const env = locals.production_env ?? {};
    for (const key of PRODUCTION_REQUIRED) expect(Object.keys(env), `${key} (lib/env.ts requires it in production)`).toContain(key);
    expect(PRODUCTION_CLIENT_ADDRESS.filter((key) => key in env), "where client addresses come from").not.toHaveLength(0);
    expect(env.CLIENT_IP_SOURCE).toBe("vercel");
    expect(env.DATABASE_REPLICA_URLS, "a read replica").toMatch(/replica/);

    // And they reach the project: the environment-variables resource is built from production_env.
    const resources = Object.assign({}, ...hcl.map((h) => h.resource ?? {})) as NonNullable<Hcl["resource"]>;
    const variables = JSON.stringify(resources.vercel_project_environment_variables?.production ?? []);
    expect(variables).toContain("local.production_env");
    for (const type of ["vercel_project", "vercel_project_domain", "neon_project", "neon_endpoint", "upstash_redis_database"]) {
      expect(Object.keys(resources), type).toContain(type);
    }
    expect(JSON.stringify(resources.neon_endpoint)).toContain("read_only");
    // Previews get the rest from the project (their database comes with the deploy, their address from VERCEL_URL).
    const preview = JSON.stringify(resources.vercel_project_environment_variables?.preview ?? []);
    expect(preview).toContain("local.preview_env");
    expect(preview).toContain("preview");
    const previewLocals = JSON.stringify(hcl.flatMap((h) => h.locals ?? []).find((l) => "preview_env" in l));
    for (const excluded of ["DATABASE_URL", "DATABASE_REPLICA_URLS", "APP_URL"]) expect(previewLocals).toContain(excluded);
  });

  it("keeps secrets out: every secret comes from a sensitive variable without a default, a generated value, or a provider", async () => {
    const { files, hcl } = await load();
    const variables = Object.assign({}, ...hcl.map((h) => h.variable ?? {})) as NonNullable<Hcl["variable"]>;
    for (const name of ["smtp_url", "inngest_event_key", "inngest_signing_key"]) {
      expect(variables[name]?.[0]?.sensitive, `${name} is sensitive`).toBe(true);
      expect(variables[name]?.[0]?.default, `${name} has no default`).toBeUndefined();
    }
    // No credential in a provider block (they read VERCEL_API_TOKEN, NEON_API_KEY, UPSTASH_API_KEY from the environment).
    const providers = JSON.stringify(hcl.map((h) => h.provider ?? {}));
    expect(providers).not.toMatch(/api_token|api_key|password/i);
    // Nothing that looks like a literal secret or connection string.
    for (const [name, text] of Object.entries(files)) {
      expect(text, name).not.toMatch(/postgres(ql)?:\/\/[^%"$]*:[^%"$]*@|sk_live|AKIA[0-9A-Z]{12}|signkey-prod-[0-9a-f]/);
    }
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toMatch(/\*\.tfstate/);
  });
});
