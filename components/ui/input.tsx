import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

export const controlClasses =
  "block w-full rounded-lg border-0 bg-white px-3 py-2 text-base text-zinc-900 sm:text-sm shadow-sm ring-1 ring-inset ring-zinc-300 " +
  "placeholder:text-zinc-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none " +
  "aria-[invalid=true]:ring-red-500 disabled:bg-zinc-50 disabled:text-zinc-500";

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(controlClasses, "h-10", className)} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cn(controlClasses, "h-10 pr-8", className)} {...props} />;
}

export function Label({ className, ...props }: ComponentProps<"label">) {
  return <label className={cn("block text-sm font-medium text-zinc-800", className)} {...props} />;
}
