import { iconSpriteHref, type IconName } from "@/components/icon-sprite";

/**
 * An icon from the sprite (components/icon-sprite.ts). Decorative unless `label` is given. Size it with a class
 * (`size-4`); the colour is the text colour. Server components only: the sprite's shapes stay out of the browser bundle.
 */
export function Icon({ name, className, label }: { name: IconName; className?: string; label?: string }) {
  return (
    <svg className={className} {...(label ? { role: "img", "aria-label": label } : { "aria-hidden": true })}>
      <use href={`${iconSpriteHref}#${name}`} />
    </svg>
  );
}
