output "vercel_project_id" {
  description = "VERCEL_PROJECT_ID for the deploy workflow."
  value       = vercel_project.this.id
}

output "neon_project_id" {
  description = "NEON_PROJECT_ID for the deploy workflow (a database branch per pull request)."
  value       = neon_project.this.id
}

output "database_url_unpooled" {
  description = "DATABASE_URL_UNPOOLED for the deploy workflow's migrate job."
  value       = neon_project.this.connection_uri
  sensitive   = true
}

output "metrics_token" {
  description = "The bearer token of /api/metrics, for the Prometheus that scrapes it."
  value       = random_password.metrics_token.result
  sensitive   = true
}
