import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { credentialPathsOf, splitCredentials, type ConfigDocument } from "../backends/document";
import { setPath } from "../backends/document-path";
import { fromDbType } from "../backends/descriptors";
import { KeyholdError } from "../errors";
import { openCredentials } from "../managers/credential-binding";
import { canonicalDocument, envName, renderTenantFile, scopeLabel, type TenantFile } from "./tenant-file";

export interface TenantExport {
  file: TenantFile;
  yaml: string;
  /** Which environment variables the file references, by scope and credential (names only). */
  variables: { variable: string; scope: string; credential: string }[];
  warnings: string[];
}

/**
 * A tenant's namespaces and enabled dedicated managers as a tenant file. Credentials become `${ENV}` references named
 * after the tenant, scope and credential path; their values are opened only to learn which are set, never written.
 */
export async function exportTenant(prisma: PrismaClient, slug: string): Promise<TenantExport> {
  const tenant = await prisma.tenant.findUnique({
    where: { slug },
    select: { id: true, slug: true, displayName: true },
  });
  if (!tenant) throw new KeyholdError("not-found", `Tenant '${slug}' does not exist.`);
  const namespaces = await prisma.namespace.findMany({
    where: { tenantId: tenant.id },
    select: { id: true, path: true },
    orderBy: { path: "asc" },
  });
  const pathOf = new Map(namespaces.map((n) => [n.id, n.path]));
  const rows = await prisma.secretsManagerConfig.findMany({ where: { tenantId: tenant.id, enabled: true } });
  const warnings: string[] = [];
  const variables: TenantExport["variables"] = [];
  const managers = rows.map((row) => {
    const namespace = row.namespaceId ? (pathOf.get(row.namespaceId) ?? null) : null;
    const type = fromDbType(row.type);
    const stored = { ...(row.settings as Record<string, unknown>), type } as ConfigDocument;
    // The settings column never holds credentials; strip their paths anyway so a bug cannot export one.
    const document = splitCredentials(stored).settings as unknown as Record<string, unknown>;
    let set: string[] = [];
    if (row.credentials) {
      try {
        const scope = { tenantId: tenant.id, namespaceId: row.namespaceId, namespace, scopeKey: row.scopeKey };
        set = Object.keys(openCredentials(row.credentials, scope, stored));
      } catch {
        set = credentialPathsOf(type);
        warnings.push(
          `${scopeLabel(namespace)}: the stored credentials cannot be opened; every credential of the type is written as a reference`,
        );
      }
    }
    for (const path of set.sort()) {
      const variable = envName(tenant.slug, namespace, path);
      setPath(document, path, `\${${variable}}`);
      variables.push({ variable, scope: scopeLabel(namespace), credential: path });
    }
    return { namespace, document: canonicalDocument(document), line: 0 };
  });
  managers.sort((a, b) => (a.namespace ?? "").localeCompare(b.namespace ?? ""));
  const file: TenantFile = {
    tenant: tenant.slug,
    displayName: tenant.displayName,
    namespaces: namespaces.map((n) => n.path),
    managers,
  };
  return { file, yaml: renderTenantFile(file), variables, warnings };
}
