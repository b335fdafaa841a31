# Infrastructure for a production deployment on Vercel, with Neon (Postgres and a read replica), Upstash Redis and
# Inngest Cloud. docs/deploy.md walks through it; scripts/infra.test.ts checks that it sets every variable lib/env.ts
# requires in production.
terraform {
  required_version = ">= 1.6"

  required_providers {
    vercel = {
      source  = "vercel/vercel"
      version = "~> 3.0"
    }
    neon = {
      source  = "kislerdm/neon"
      version = "~> 0.13"
    }
    upstash = {
      source  = "upstash/upstash"
      version = "~> 1.5"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

# Each provider reads its credential from the environment: VERCEL_API_TOKEN, NEON_API_KEY, UPSTASH_EMAIL and
# UPSTASH_API_KEY. Nothing secret is written in these files.
provider "vercel" {
  team = var.vercel_team
}

provider "neon" {}

provider "upstash" {}
