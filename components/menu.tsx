"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

const ITEM = '[role="menuitem"]';

/**
 * A menu button (WAI-ARIA's menu button pattern) whose items are rendered by the caller, usually a server component:
 * links and buttons with role="menuitem" and tabIndex={-1}, plus plain labels and role="separator" rules. It replaces
 * Radix's dropdown menu (30 kB with its icons) with only the behaviour: Enter, Space or ArrowDown on the button opens the
 * menu on its first item (ArrowUp: the last); ArrowUp/ArrowDown/Home/End and a typed first letter move between items;
 * Space or Enter activates one; Escape closes and returns to the button; Tab, a click outside or a chosen item closes it.
 * As with Radix, the items are mounted only while the menu is open (they come in the page's RSC payload either way).
 * Without JavaScript the button can do nothing: it is hidden (`noscript:`, the `scripting: none` media query) and a
 * <details> element in a <noscript> opens the same items, so links and forms (sign out) stay reachable.
 */
export function Menu({
  label,
  trigger,
  triggerClassName,
  align = "start",
  contentClassName,
  className,
  children,
}: {
  /** The button's accessible name. */
  label: string;
  trigger: ReactNode;
  triggerClassName: string;
  align?: "start" | "end";
  contentClassName: string;
  className?: string;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  // Where focus goes once the menu shows: a keyboard opens it on an item, a pointer on the menu itself.
  const focusOnOpen = useRef<"first" | "last" | "menu">("menu");
  const rootRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const triggerId = useId();
  const menuId = useId();

  const items = () => Array.from(menuRef.current?.querySelectorAll<HTMLElement>(ITEM) ?? []);

  useEffect(() => {
    if (!open) return;
    const all = Array.from(menuRef.current?.querySelectorAll<HTMLElement>(ITEM) ?? []);
    const target = focusOnOpen.current === "first" ? all[0] : focusOnOpen.current === "last" ? all.at(-1) : menuRef.current;
    target?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  const openAt = (where: "first" | "last" | "menu") => {
    focusOnOpen.current = where;
    setOpen(true);
  };

  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) triggerRef.current?.focus();
  };

  const onTriggerKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === "Enter" || event.key === " " || event.key === "ArrowDown") openAt("first");
    else if (event.key === "ArrowUp") openAt("last");
    else return;
    event.preventDefault();
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const all = items();
    const current = all.indexOf(document.activeElement as HTMLElement);
    const focus = (index: number) => all[(index + all.length) % all.length]?.focus();
    switch (event.key) {
      case "ArrowDown":
        focus(current + 1);
        break;
      case "ArrowUp":
        focus(current < 0 ? -1 : current - 1);
        break;
      case "Home":
        focus(0);
        break;
      case "End":
        focus(-1);
        break;
      case "Escape":
        close(true);
        break;
      case "Tab":
        close(false);
        return; // focus moves on as usual
      case " ":
        if (current >= 0) all[current]!.click();
        break;
      default: {
        if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
        const key = event.key.toLowerCase();
        const order = [...all.slice(current + 1), ...all.slice(0, current + 1)];
        order.find((item) => item.textContent?.trim().toLowerCase().startsWith(key))?.focus();
      }
    }
    event.preventDefault();
  };

  return (
    <div
      ref={rootRef}
      className={`relative ${className ?? ""}`}
      onBlur={(event) => {
        if (open && !rootRef.current?.contains(event.relatedTarget as Node | null) && event.relatedTarget) setOpen(false);
      }}
    >
      <button
        ref={triggerRef}
        id={triggerId}
        type="button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        className={`${triggerClassName} noscript:hidden`}
        onClick={() => (open ? close(false) : openAt("menu"))}
        onKeyDown={onTriggerKeyDown}
      >
        {trigger}
      </button>
      {open ? (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-labelledby={triggerId}
          aria-orientation="vertical"
          tabIndex={-1}
          className={`absolute top-full z-50 mt-1.5 outline-none ${align === "end" ? "right-0" : "left-0"} ${contentClassName}`}
          onKeyDown={onMenuKeyDown}
          // As in Radix: the item under the pointer takes the focus (and its highlight), so one item is highlighted at a time.
          onPointerMove={(event) => {
            const item = (event.target as HTMLElement).closest<HTMLElement>(ITEM);
            if (item && item !== document.activeElement) item.focus();
          }}
          onPointerLeave={() => menuRef.current?.focus()}
          onClick={(event) => {
            const item = (event.target as HTMLElement).closest(ITEM);
            // Not a submit button: its form must stay in the document until the browser submits it, after this handler
            // (signing out then leaves the page anyway).
            if (item && !(item instanceof HTMLButtonElement && item.type === "submit")) close(false);
          }}
        >
          {children}
        </div>
      ) : null}
      <noscript>
        <details>
          <summary aria-label={label} className={`${triggerClassName} cursor-pointer list-none [&::-webkit-details-marker]:hidden`}>{trigger}</summary>
          <div role="menu" aria-label={label} className={`absolute top-full z-50 mt-1.5 ${align === "end" ? "right-0" : "left-0"} ${contentClassName}`}>{children}</div>
        </details>
      </noscript>
    </div>
  );
}
