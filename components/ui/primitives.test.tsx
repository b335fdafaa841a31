import { renderToStaticMarkup } from "react-dom/server";
import type { ReactElement } from "react";
import { twMerge } from "tailwind-merge";
import { describe, expect, it } from "vitest";
import { Alert } from "./alert";
import { Badge } from "./badge";
import { Button, type ButtonSize, type ButtonVariant } from "./button";
import { Input, Label, Select } from "./input";

// These primitives join their classes with clsx instead of tailwind-merge (which would ship to every page with a
// form): that is only correct while no two of the classes they combine set the same CSS property, which tailwind-merge
// itself can tell — it leaves a conflict-free list as it is.
function classesOf(element: ReactElement): string {
  const match = /class="([^"]*)"/.exec(renderToStaticMarkup(element));
  if (!match) throw new Error("no class attribute");
  return match[1]!.replace(/&amp;/g, "&");
}

const tidy = (classes: string) => classes.split(/\s+/).filter(Boolean).join(" ");

const variants: ButtonVariant[] = ["primary", "secondary", "ghost", "danger-ghost", "danger", "link"];
const sizes: ButtonSize[] = ["sm", "md", "lg"];

describe("UI primitives need no class merging", () => {
  it.each(variants.flatMap((variant) => sizes.map((size) => [variant, size] as const)))("Button %s %s", (variant, size) => {
    const classes = tidy(classesOf(<Button variant={variant} size={size} />));
    expect(twMerge(classes)).toBe(classes);
  });

  it("a link-styled button has no height or padding of its size", () => {
    expect(classesOf(<Button variant="link" size="sm" />)).not.toMatch(/\bh-8\b|\bpx-3\b/);
  });

  it.each<[string, ReactElement]>([
    ["Input", <Input key="i" />],
    ["Select", <Select key="s" />],
    ["Select sm", <Select key="s" compact className="w-40 sm:w-36" />],
    ["Label", <Label key="l" />],
    ...(["info", "success", "warning", "error"] as const).map((tone): [string, ReactElement] => [`Alert ${tone}`, <Alert key={tone} tone={tone} />]),
    ...(["gray", "indigo", "green", "amber", "red"] as const).map((tone): [string, ReactElement] => [`Badge ${tone}`, <Badge key={tone} tone={tone} />]),
  ])("%s", (_, element) => {
    const classes = tidy(classesOf(element));
    expect(twMerge(classes)).toBe(classes);
  });
});
