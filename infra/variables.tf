variable "name" {
  description = "Name of the Vercel project, the Neon project and the Upstash database."
  type        = string
  default     = "anatomy"
}

variable "vercel_team" {
  description = "Vercel team slug or id (null: the token's personal account)."
  type        = string
  default     = null
}

variable "github_repo" {
  description = "The fork on GitHub, as owner/name: Vercel builds previews of its pull requests."
  type        = string
}

variable "domain" {
  description = "The production domain (e.g. app.example.com); APP_URL is https:// followed by it."
  type        = string
}

variable "region" {
  description = "Region of the database, the Redis primary and the functions, close to each other (Neon's id)."
  type        = string
  default     = "aws-us-east-1"
}

variable "redis_region" {
  description = "Upstash's name for the same region."
  type        = string
  default     = "us-east-1"
}

variable "smtp_url" {
  description = "SMTP transport for the app's mail (smtps://user:password@host:465)."
  type        = string
  sensitive   = true
}

variable "inngest_event_key" {
  description = "Inngest Cloud event key (Inngest dashboard, Manage, Event keys)."
  type        = string
  sensitive   = true
}

variable "inngest_signing_key" {
  description = "Inngest Cloud signing key (Inngest dashboard, Manage, Signing key)."
  type        = string
  sensitive   = true
}

variable "sentry_dsn" {
  description = "Error tracking (Sentry or GlitchTip); empty: errors are logged and counted only."
  type        = string
  default     = ""
  sensitive   = true
}
