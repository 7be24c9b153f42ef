import { z } from "zod";
import { namespacePathSchema, tenantSlugSchema } from "./names";

/**
 * The `[tenant]` and `[namespace]` route parameters, for every page, layout and route handler that takes them (their
 * views' input schemas are built from it). Next.js has decoded each parameter once and answered 400 to one it cannot
 * decode: never decode again (that would read `%25` as `%` and throw on a lone `%`); this refuses anything that is not
 * a tenant id or a namespace path.
 */
export const routeParamsSchema = z.object({ tenant: tenantSlugSchema, namespace: namespacePathSchema });

/** The parameters of a tenant route (`/tenants/[tenant]/…`). */
export const tenantRouteParamsSchema = routeParamsSchema.pick({ tenant: true });

/** What Next.js passes a page or layout under `[tenant]/namespaces/[namespace]`, as its `params` promise resolves. */
export type NamespaceRouteParams = z.input<typeof routeParamsSchema>;
export type TenantRouteParams = z.input<typeof tenantRouteParamsSchema>;
