#!/usr/bin/env bash
# Validates the operator assets in ops/ (run by .ci/run and .github/workflows/ci.yml; needs promtool and node):
#   - the alert rules parse (promtool check rules) and behave as their unit tests say (promtool test rules);
#   - the example Prometheus config is valid, rule_files included (promtool check config);
#   - every alert has a runbook_url whose anchor is a heading of docs/observability.md;
#   - the Grafana dashboard is valid JSON and every PromQL query in it parses.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v promtool >/dev/null || { echo "error: promtool is not installed (Debian/Ubuntu: apt-get install prometheus)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "+ promtool check rules ops/prometheus/alerts.yml"
promtool check rules ops/prometheus/alerts.yml

# prometheus.yml reads the bearer token from secrets/metrics-token beside it, and promtool insists that the file
# exists. It is git-ignored (a real token never belongs in the repository), so the config is checked from a copy of
# the directory with a placeholder token: the checked file is the committed one, and the tree is left untouched.
echo "+ promtool check config ops/prometheus/prometheus.yml"
cp ops/prometheus/prometheus.yml ops/prometheus/alerts.yml "$work/"
mkdir -p "$work/secrets"
echo "placeholder-token-for-promtool" >"$work/secrets/metrics-token"
(cd "$work" && promtool check config prometheus.yml)

echo "+ promtool test rules ops/prometheus/alerts.test.yml"
promtool test rules ops/prometheus/alerts.test.yml

echo "+ runbook links: ops/prometheus/alerts.yml -> docs/observability.md"
# GitHub's heading anchors: lower case, punctuation other than - and _ dropped, spaces turned into -.
anchors="$(grep -E '^#{2,4} ' docs/observability.md | sed -E 's/^#+ +//' | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9 _-]//g; s/ /-/g')"
alerts=$(grep -cE '^\s*- alert:' ops/prometheus/alerts.yml)
links=$(grep -cE '^\s*runbook_url: docs/observability\.md#' ops/prometheus/alerts.yml)
if [[ "$alerts" != "$links" ]]; then
  echo "error: $alerts alerts but $links runbook_url annotations pointing at docs/observability.md" >&2
  exit 1
fi
missing=0
for anchor in $(sed -nE 's/^\s*runbook_url: docs\/observability\.md#(.*)$/\1/p' ops/prometheus/alerts.yml | sort -u); do
  if ! grep -qxF -- "$anchor" <<<"$anchors"; then
    echo "error: runbook_url anchor #$anchor has no heading in docs/observability.md" >&2
    missing=1
  fi
done
[[ "$missing" == 0 ]]
echo "  SUCCESS: $links runbook links resolve"

echo "+ Grafana dashboard ops/grafana/anatomy-dashboard.json"
# Each panel query becomes a recording rule (Grafana's variables replaced by plain values) so that promtool parses it.
node - ops/grafana/anatomy-dashboard.json "$work/dashboard-queries.yml" <<'EOF'
const fs = require("node:fs");
const [file, out] = process.argv.slice(2);
const dashboard = JSON.parse(fs.readFileSync(file, "utf8"));
const exprs = [];
const walk = (panels) => {
  for (const panel of panels ?? []) {
    for (const t of panel.targets ?? []) if (t.expr) exprs.push({ panel: panel.title, ref: t.refId, expr: t.expr });
    walk(panel.panels);
  }
};
walk(dashboard.panels);
for (const v of dashboard.templating?.list ?? []) {
  const q = typeof v.query === "string" ? v.query : v.query?.query;
  // label_values(metric, label) is Grafana's, not PromQL: check the metric selector inside it.
  const selector = /^label_values\((.*),\s*\w+\)$/.exec(q ?? "")?.[1];
  if (selector) exprs.push({ panel: `variable ${v.name}`, ref: "query", expr: selector });
}
if (exprs.length === 0) throw new Error("no queries found in the dashboard");
const substitute = (expr) =>
  expr
    .replace(/\$__(rate_interval|interval|range)\b/g, "5m")
    .replace(/\$\{(\w+)(:\w+)?\}|\$(\w+)/g, "x");
const rules = exprs.map(
  (e, i) => `      # ${e.panel} (${e.ref})\n      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(substitute(e.expr))}`,
);
fs.writeFileSync(out, `groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`);
console.log(`  valid JSON, schemaVersion ${dashboard.schemaVersion}, ${exprs.length} queries`);
EOF
if ! promtool check rules "$work/dashboard-queries.yml"; then
  echo "error: a dashboard query does not parse; the queries as checked, with their panels:" >&2
  cat -n "$work/dashboard-queries.yml" >&2
  exit 1
fi
echo "  SUCCESS: every dashboard query parses"
