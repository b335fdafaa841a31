import type { NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { getJobMode } from "@/lib/jobs/client";
import { inngestHandlers } from "@/lib/inngest/runtime";

// Inngest Cloud (signed requests) or the dev server (INNGEST_DEV=1) call the job functions here. In zero-setup mode
// the in-process executor calls the handler directly and this endpoint does not exist: its dev-mode handler checks no
// signature, so it must not be reachable from outside.
// An embedded production server (ANATOMY_EMBEDDED=1) could otherwise be told INNGEST_DEV=1: never serve unsigned
// requests in production.
function isServed(): boolean {
  const mode = getJobMode();
  return mode === "cloud" || (mode === "dev" && !getEnv().isProduction);
}

function notServed() {
  return Response.json({ error: "Not found." }, { status: 404 });
}

export async function GET(request: NextRequest, context: unknown) {
  return isServed() ? inngestHandlers.GET(request, context) : notServed();
}

export async function POST(request: NextRequest, context: unknown) {
  return isServed() ? inngestHandlers.POST(request, context) : notServed();
}

export async function PUT(request: NextRequest, context: unknown) {
  return isServed() ? inngestHandlers.PUT(request, context) : notServed();
}
