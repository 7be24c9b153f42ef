import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { loadPage } from "@/lib/server/page";
import { apiTokensView } from "@/lib/views/api-tokens";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardHeader } from "@/components/ui/card";
import { ApiTokens } from "@/components/api-tokens/api-tokens";

export const metadata: Metadata = { title: "API tokens" };

/** API tokens: create (shown once), list with last use, revoke. Administrators only grant what they may grant. */
export default async function ApiTokensPage() {
  const data = await loadPage(apiTokensView, {});
  return (
    <main id="main" className="mx-auto w-full max-w-5xl space-y-6 p-6">
      <PageHeader
        crumbs={[{ label: "Tenants", href: "/" }, { label: "API tokens" }]}
        title="API tokens"
        description="Tokens call the REST API as you or as a service account, with one role and an expiry."
      />
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Send a token as <code>Authorization: Bearer kh_…</code>. The{" "}
        <Link className="underline" href="/api-reference">
          API reference
        </Link>{" "}
        lists every operation.
      </p>
      <Card>
        <CardHeader title="Tokens" description={`${data.tokens.length} token${data.tokens.length === 1 ? "" : "s"}`} />
        <ApiTokens {...data} />
      </Card>
    </main>
  );
}
