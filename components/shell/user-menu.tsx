"use client";
import Link from "@/components/ui/link";
import { useTransition } from "react";
import { KeyRound, LogOut, ScrollText, ShieldCheck } from "lucide-react";
import { signOutAction } from "@/lib/actions/auth/sign-out";
import { Button, buttonClass } from "@/components/ui/button";

export function UserMenu({ user }: { user: { name: string; email: string; instanceAdmin: boolean } }) {
  const [pending, startTransition] = useTransition();
  const signOut = (everywhere: boolean) =>
    startTransition(async () => {
      await signOutAction({ everywhere });
      // A full load drops everything the client kept of the signed-out session (React Query's cache included).
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- on purpose, see above
      window.location.assign("/login");
    });
  return (
    <div className="flex items-center gap-2 text-sm" data-testid="user-menu">
      {user.instanceAdmin ? (
        <>
          <Link href="/admins" className={buttonClass("ghost", "sm")}>
            <ShieldCheck className="size-4" aria-hidden /> Administrators
          </Link>
          <Link href="/audit" className={buttonClass("ghost", "sm")}>
            <ScrollText className="size-4" aria-hidden /> Audit log
          </Link>
        </>
      ) : null}
      <Link href="/settings/api-tokens" className={buttonClass("ghost", "sm")}>
        <KeyRound className="size-4" aria-hidden /> API tokens
      </Link>
      <span className="hidden text-zinc-600 sm:inline dark:text-zinc-400" title={user.email} data-testid="signed-in-as">
        {user.email}
      </span>
      <Button variant="ghost" size="sm" disabled={pending} onClick={() => signOut(false)}>
        <LogOut className="size-4" aria-hidden /> Sign out
      </Button>
      <Button variant="ghost" size="sm" disabled={pending} onClick={() => signOut(true)}>
        Sign out everywhere
      </Button>
    </div>
  );
}
