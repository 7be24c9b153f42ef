import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { ApiReference } from "@/components/api-tokens/api-reference";

export const metadata: Metadata = { title: "API reference" };

/** The REST API's reference, rendered by Swagger UI from /api/v1/openapi.json (the console layout requires sign-in). */
export default function ApiReferencePage() {
  return (
    <main id="main" className="mx-auto w-full max-w-6xl space-y-6 p-6">
      <PageHeader
        crumbs={[{ label: "Tenants", href: "/" }, { label: "API reference" }]}
        title="API reference"
        description="Every REST API v1 operation, generated from the schemas the server validates with. Try it out uses your session; scripts use an API token."
      />
      <ApiReference />
    </main>
  );
}
