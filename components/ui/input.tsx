import { clsx } from "clsx";
import type { ComponentProps } from "react";

// clsx, not `cn`: client components render these (see button.tsx). A control's size is a prop, not an overriding class.
export const controlClasses =
  "block rounded-lg border-0 bg-white px-3 text-base text-zinc-900 sm:text-sm shadow-sm ring-1 ring-inset ring-zinc-300 " +
  "placeholder:text-zinc-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none " +
  "aria-[invalid=true]:ring-red-500 disabled:bg-zinc-50 disabled:text-zinc-500";

// A control fills its container; a compact one (a select in a list row) takes its width from the className.
const regular = "h-10 w-full py-2";
const compactSize = "h-8 py-1";

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={clsx(controlClasses, regular, className)} {...props} />;
}

export function Select({ className, compact = false, ...props }: ComponentProps<"select"> & { compact?: boolean }) {
  return <select className={clsx(controlClasses, compact ? compactSize : regular, "pr-8", className)} {...props} />;
}

export function Label({ className, ...props }: ComponentProps<"label">) {
  return <label className={clsx("block text-sm font-medium text-zinc-800", className)} {...props} />;
}
