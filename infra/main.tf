# Postgres: a Neon project, and a read-only endpoint on its main branch as the read replica (DATABASE_REPLICA_URLS).
resource "neon_project" "this" {
  name       = var.name
  region_id  = var.region
  pg_version = 16
}

resource "neon_endpoint" "replica" {
  project_id = neon_project.this.id
  branch_id  = neon_project.this.default_branch_id
  type       = "read_only"
}

# Redis for the cache and the rate limits, reached over Upstash's REST API.
resource "upstash_redis_database" "this" {
  database_name  = var.name
  region         = "global"
  primary_region = var.redis_region
  tls            = true
}

resource "random_password" "auth_secret" {
  length  = 48
  special = false
}

resource "random_password" "metrics_token" {
  length  = 40
  special = false
}

resource "vercel_project" "this" {
  name      = var.name
  framework = "nextjs"

  git_repository = {
    type = "github"
    repo = var.github_repo
  }
}

resource "vercel_project_domain" "this" {
  project_id = vercel_project.this.id
  domain     = var.domain
}

locals {
  replica_url = format(
    "postgresql://%s:%s@%s/%s?sslmode=require",
    neon_project.this.database_user,
    neon_project.this.database_password,
    neon_endpoint.replica.host,
    neon_project.this.database_name,
  )

  # The production environment of the app (lib/env.ts). The pooled URL for the functions; migrations use the direct
  # one (DATABASE_URL_UNPOOLED in the deploy workflow: session settings and an advisory lock).
  production_env = {
    DATABASE_URL             = neon_project.this.connection_uri_pooler
    DATABASE_REPLICA_URLS    = local.replica_url
    AUTH_SECRET              = random_password.auth_secret.result
    APP_URL                  = "https://${var.domain}"
    SMTP_URL                 = var.smtp_url
    INNGEST_EVENT_KEY        = var.inngest_event_key
    INNGEST_SIGNING_KEY      = var.inngest_signing_key
    UPSTASH_REDIS_REST_URL   = "https://${upstash_redis_database.this.endpoint}"
    UPSTASH_REDIS_REST_TOKEN = upstash_redis_database.this.rest_token
    CLIENT_IP_SOURCE         = "vercel"
    METRICS_TOKEN            = random_password.metrics_token.result
    SENTRY_DSN               = var.sentry_dsn
  }
}

# Previews (deploy.yml, one per pull request): the same services and keys, but their own database branch (passed at
# deploy time), their own address (the deployment's: lib/env.ts reads VERCEL_URL when APP_URL is unset) and their own
# cache keys in the shared Redis.
locals {
  preview_env = merge(
    { for key, value in local.production_env : key => value if !contains(["DATABASE_URL", "DATABASE_REPLICA_URLS", "APP_URL"], key) },
    { CACHE_KEY_PREFIX = "${var.name}-preview" },
  )
}

resource "vercel_project_environment_variables" "preview" {
  project_id = vercel_project.this.id

  variables = [
    for key, value in local.preview_env : {
      key       = key
      value     = value
      target    = ["preview"]
      sensitive = key != "CLIENT_IP_SOURCE" && key != "CACHE_KEY_PREFIX"
    } if value != ""
  ]
}

resource "vercel_project_environment_variables" "production" {
  project_id = vercel_project.this.id

  variables = [
    for key, value in local.production_env : {
      key       = key
      value     = value
      target    = ["production"]
      sensitive = key != "APP_URL" && key != "CLIENT_IP_SOURCE"
    } if value != ""
  ]
}
