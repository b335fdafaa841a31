import { clsx } from "clsx";
import type { ComponentProps } from "react";

// Client components render these primitives too, so they join classes with clsx, not `cn`: tailwind-merge would add
// 8 kB to every page with a form. They stay correct without it because no two classes they combine set the same
// property (button.test.ts checks every variant and size); a different look is a variant here, not an overriding
// className at the call site.
const variants = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500 shadow-sm",
  secondary: "bg-white text-zinc-900 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 shadow-sm",
  ghost: "text-zinc-700 hover:bg-zinc-100",
  // A destructive action among quiet ones (delete a task, remove a member).
  "danger-ghost": "text-red-600 hover:bg-red-50",
  danger: "bg-red-600 text-white hover:bg-red-500 shadow-sm",
  link: "text-indigo-600 hover:text-indigo-500 underline-offset-4 hover:underline px-0 py-0 h-auto",
} as const;

const sizes = { sm: "h-8 px-3 text-sm", md: "h-10 px-4 text-sm", lg: "h-12 px-6 text-base" } as const;
// A link-styled button is sized by its text alone (the link variant sets no height or padding).
const linkSizes = { sm: "text-sm", md: "text-sm", lg: "text-base" } as const;

export type ButtonVariant = keyof typeof variants;
export type ButtonSize = keyof typeof sizes;

export type ButtonProps = ComponentProps<"button"> & { variant?: ButtonVariant; size?: ButtonSize };

export function buttonClasses(variant: ButtonVariant = "primary", size: ButtonSize = "md", className?: string) {
  return clsx(
    "inline-flex items-center justify-center gap-2 rounded-lg font-medium whitespace-nowrap transition-colors",
    "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600",
    "disabled:pointer-events-none disabled:opacity-50",
    variant === "link" ? linkSizes[size] : sizes[size],
    variants[variant],
    className,
  );
}

export function Button({ variant = "primary", size = "md", className, type = "button", ...props }: ButtonProps) {
  return <button type={type} className={buttonClasses(variant, size, className)} {...props} />;
}
