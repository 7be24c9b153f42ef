import Link from "@/components/ui/link";
import type { ReactNode } from "react";
import Image from "next/image";
import { cookies } from "next/headers";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import { UserMenu } from "@/components/shell/user-menu";
import { THEME_COOKIE, themeFromCookie } from "@/components/shell/theme";
import { loadPage } from "@/lib/server/page";
import { consoleUserView } from "@/lib/views/console-shell";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // Signed-out visitors are sent to /login here as well as by every page loader.
  const user = await loadPage(consoleUserView, {});
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex h-12 items-center justify-between border-b border-zinc-200 bg-white/90 px-4 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/90">
        <Link href="/" className="flex items-center gap-2 text-sm font-semibold tracking-tight">
          <Image src="/logo.svg" alt="" width={28} height={28} unoptimized loading="eager" className="size-7" />
          Keyhold
        </Link>
        <div className="flex items-center gap-2">
          <UserMenu user={user} />
          <ThemeToggle initial={themeFromCookie((await cookies()).get(THEME_COOKIE)?.value)} />
        </div>
      </header>
      <div className="flex flex-1">{children}</div>
    </div>
  );
}
