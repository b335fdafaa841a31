import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";


export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={className ? `control ${className}` : "control"} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={className ? `control ${className}` : "control"} {...props} />;
}

export function Label({ className, ...props }: ComponentProps<"label">) {
  return <label className={cn("block text-sm font-medium text-zinc-800", className)} {...props} />;
}
