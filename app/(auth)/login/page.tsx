import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { loadPage } from "@/lib/server/page";
import { authStateView } from "@/lib/views/auth-pages";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage() {
  const state = await loadPage(authStateView, {});
  if (state.needsSetup) redirect("/setup");
  if (state.signedIn) redirect("/");
  return <SignInForm />;
}
