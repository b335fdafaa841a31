import { createHash } from "node:crypto";
import * as activity from "lucide-react/icons/activity";
import * as arrowDownUp from "lucide-react/icons/arrow-down-up";
import * as check from "lucide-react/icons/check";
import * as chevronsUpDown from "lucide-react/icons/chevrons-up-down";
import * as fileSpreadsheet from "lucide-react/icons/file-spreadsheet";
import * as fileUp from "lucide-react/icons/file-up";
import * as folderKanban from "lucide-react/icons/folder-kanban";
import * as layoutDashboard from "lucide-react/icons/layout-dashboard";
import * as listTodo from "lucide-react/icons/list-todo";
import * as logOut from "lucide-react/icons/log-out";
import * as mail from "lucide-react/icons/mail";
import * as plus from "lucide-react/icons/plus";
import * as settings from "lucide-react/icons/settings";
import * as users from "lucide-react/icons/users";

// The app's icons as one SVG sprite (served by app/icons.svg/route.ts, cached by the browser for a year): a page
// draws an icon with <svg><use href="/icons.svg?v=…#name"/></svg>, ~90 bytes, instead of its paths inline — which the
// HTML carried once and the RSC payload again, on every signed-in page (docs/performance.md). The shapes come from
// lucide's own modules, so an upgrade of lucide-react updates them; add an icon here to use it.
const modules = {
  activity,
  "arrow-down-up": arrowDownUp,
  check,
  "chevrons-up-down": chevronsUpDown,
  "file-spreadsheet": fileSpreadsheet,
  "file-up": fileUp,
  "folder-kanban": folderKanban,
  "layout-dashboard": layoutDashboard,
  "list-todo": listTodo,
  "log-out": logOut,
  mail,
  plus,
  settings,
  users,
};

export type IconName = keyof typeof modules;
type IconNode = [tag: string, attributes: Record<string, string | number>][];

/** The shapes of one icon: each lucide icon module exports them (beside the component) as `__iconData.node`. */
function shapesOf(name: string, module: object): IconNode {
  const node = (module as { __iconData?: { node?: unknown } }).__iconData?.node;
  if (!Array.isArray(node) || node.length === 0) throw new Error(`lucide-react/icons/${name} has no __iconData.node: check how this lucide-react version exports its shapes`);
  return node as IconNode;
}

const escape = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

function symbol(name: string, shapes: IconNode): string {
  const children = shapes
    .map(([tag, attributes]) => {
      const attrs = Object.entries(attributes)
        .filter(([key]) => key !== "key")
        .map(([key, value]) => ` ${key}="${escape(String(value))}"`)
        .join("");
      return `<${tag}${attrs}/>`;
    })
    .join("");
  // lucide's defaults, on a group: a <use> clone inherits from it, whatever the referencing <svg> says.
  return `<symbol id="${name}" viewBox="0 0 24 24"><g fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${children}</g></symbol>`;
}

export const iconSpriteSvg = `<svg xmlns="http://www.w3.org/2000/svg">${Object.entries(modules)
  .map(([name, module]) => symbol(name, shapesOf(name, module)))
  .join("")}</svg>`;

/** A digest of the sprite: its address carries it, so browsers may keep each version for a year. */
export const iconSpriteVersion = createHash("sha256").update(iconSpriteSvg).digest("hex").slice(0, 10);
export const iconSpriteHref = `/icons.svg?v=${iconSpriteVersion}`;
