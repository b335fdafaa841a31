import { Slot } from "@radix-ui/react-slot";
import type { ComponentProps } from "react";

// The class lists live in app/globals.css (.btn, .btn-<variant>, .btn-<size>): one short class per element.
const variants = { primary: "btn-primary", secondary: "btn-secondary", ghost: "btn-ghost", danger: "btn-danger", link: "btn-link" } as const;
const sizes = { sm: "btn-sm", md: "btn-md", lg: "btn-lg" } as const;

export type ButtonProps = ComponentProps<"button"> & {
  variant?: keyof typeof variants;
  size?: keyof typeof sizes;
  asChild?: boolean;
};

export function buttonClasses(variant: keyof typeof variants = "primary", size: keyof typeof sizes = "md", className?: string) {
  return `btn ${sizes[size]} ${variants[variant]}${className ? ` ${className}` : ""}`;
}

export function Button({ variant = "primary", size = "md", asChild, className, type = "button", ...props }: ButtonProps) {
  const Comp = asChild ? Slot : "button";
  return <Comp type={asChild ? undefined : type} className={buttonClasses(variant, size, className)} {...props} />;
}
