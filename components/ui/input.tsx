import { clsx } from "clsx";
import type { ComponentProps } from "react";

// .control and .control-compact: app/globals.css. No class merging: a control's size is a prop, and a className (a
// width) wins over the default full width, utilities coming after components in the cascade.

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={clsx("control", className)} {...props} />;
}

export function Select({ className, compact = false, ...props }: ComponentProps<"select"> & { compact?: boolean }) {
  return <select className={clsx("control", compact && "control-compact", className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={clsx("control control-multiline", className)} {...props} />;
}

export function Label({ className, ...props }: ComponentProps<"label">) {
  return <label className={clsx("block text-sm font-medium text-zinc-800", className)} {...props} />;
}
