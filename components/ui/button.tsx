import type { ComponentProps } from "react";

// The class lists live in app/globals.css (.btn, .btn-<size>, .btn-<variant>): one short class each per element, so
// a task list no longer repeats ~400 bytes of utilities per button, and no class merging runs per render. Client
// components render these primitives too, so there is no tailwind-merge (8 kB on every page with a form): a different
// look is a variant here, not an overriding className at the call site (a className still wins: utilities come after
// components in the cascade).
const variants = {
  primary: "btn-primary",
  secondary: "btn-secondary",
  ghost: "btn-ghost",
  // A destructive action among quiet ones (delete a task, remove a member).
  "danger-ghost": "btn-danger-ghost",
  danger: "btn-danger",
  // Sized by its text alone: .btn-link drops the size's height and padding.
  link: "btn-link",
} as const;

const sizes = { sm: "btn-sm", md: "btn-md", lg: "btn-lg" } as const;

export type ButtonVariant = keyof typeof variants;
export type ButtonSize = keyof typeof sizes;

export type ButtonProps = ComponentProps<"button"> & { variant?: ButtonVariant; size?: ButtonSize };

export function buttonClasses(variant: ButtonVariant = "primary", size: ButtonSize = "md", className?: string) {
  return `btn ${sizes[size]} ${variants[variant]}${className ? ` ${className}` : ""}`;
}

export function Button({ variant = "primary", size = "md", className, type = "button", ...props }: ButtonProps) {
  return <button type={type} className={buttonClasses(variant, size, className)} {...props} />;
}
