import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { loadPage } from "@/lib/server/page";
import { authStateView } from "@/lib/views/auth-pages";
import { SetupForm } from "@/components/auth/setup-form";

export const metadata: Metadata = { title: "Set up" };
export const dynamic = "force-dynamic";

/** Exists only until the first instance administrator does; afterwards it sends everyone to sign in. */
export default async function SetupPage() {
  const state = await loadPage(authStateView, {});
  if (!state.needsSetup) redirect("/login");
  return <SetupForm />;
}
