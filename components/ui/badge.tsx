import type { ComponentProps } from "react";

// Each tone is a component class (app/globals.css): a badge on every task row repeated its three colour utilities.
const tones = { gray: "badge-gray", indigo: "badge-indigo", green: "badge-green", amber: "badge-amber", red: "badge-red" } as const;

export function Badge({ tone = "gray", className, ...props }: ComponentProps<"span"> & { tone?: keyof typeof tones }) {
  return (
    <span
      className={`badge ${tones[tone]}${className ? ` ${className}` : ""}`}
      {...props}
    />
  );
}
