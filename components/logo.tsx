import Link from "next/link";

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="inline-flex items-center gap-2 font-semibold tracking-tight text-zinc-900">
      <span aria-hidden className="grid size-7 place-items-center rounded-lg bg-indigo-600 text-sm font-bold text-white">A</span>
      Anatomy
    </Link>
  );
}
