import { referenceAsset } from "@/lib/api/reference-assets";

/** Swagger UI's script and stylesheet for the API reference page, from swagger-ui-dist in node_modules. */
export async function GET(_request: Request, context: { params: Promise<{ file: string }> }) {
  return referenceAsset((await context.params).file);
}

export const dynamic = "force-dynamic";
