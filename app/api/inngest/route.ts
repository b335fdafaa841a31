import type { NextRequest } from "next/server";
import { getJobMode } from "@/lib/jobs/client";
import { inngestHandlers } from "@/lib/jobs/runtime";

// Inngest Cloud (signed requests) or the dev server (INNGEST_DEV=1) call the job functions here. In zero-setup mode
// the in-process executor calls the handler directly and this endpoint does not exist: its dev-mode handler checks no
// signature, so it must not be reachable from outside.
function notServed() {
  return Response.json({ error: "Not found." }, { status: 404 });
}

export async function GET(request: NextRequest, context: unknown) {
  return getJobMode() === "local" ? notServed() : inngestHandlers.GET(request, context);
}

export async function POST(request: NextRequest, context: unknown) {
  return getJobMode() === "local" ? notServed() : inngestHandlers.POST(request, context);
}

export async function PUT(request: NextRequest, context: unknown) {
  return getJobMode() === "local" ? notServed() : inngestHandlers.PUT(request, context);
}
