import Link from "next/link";
import { appConfig } from "@/lib/app-config";

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="logo">
      <span aria-hidden>{appConfig.name[0]}</span>
      {appConfig.name}
    </Link>
  );
}
