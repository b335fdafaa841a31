import Link from "next/link";

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="logo">
      <span aria-hidden>A</span>
      Anatomy
    </Link>
  );
}
