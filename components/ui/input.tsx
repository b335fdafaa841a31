import { clsx } from "clsx";
import type { ComponentProps } from "react";

// clsx, not `cn`: client components render these (see button.tsx). A control's size is a prop, not an overriding class.
export const controlClasses =
  "block rounded-lg border-0 bg-white px-3 text-base text-zinc-900 sm:text-sm shadow-sm ring-1 ring-inset ring-zinc-300 " +
  "placeholder:text-zinc-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none " +
  "aria-[invalid=true]:ring-red-500 disabled:bg-zinc-50 disabled:text-zinc-500";

// md fills its container; sm (a compact select in a list row) takes its width from the className.
const controlSizes = { md: "h-10 w-full py-2", sm: "h-8 py-1" } as const;

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={clsx(controlClasses, controlSizes.md, className)} {...props} />;
}

export function Select({ className, size = "md", ...props }: Omit<ComponentProps<"select">, "size"> & { size?: keyof typeof controlSizes }) {
  return <select className={clsx(controlClasses, controlSizes[size], "pr-8", className)} {...props} />;
}

export function Label({ className, ...props }: ComponentProps<"label">) {
  return <label className={clsx("block text-sm font-medium text-zinc-800", className)} {...props} />;
}
