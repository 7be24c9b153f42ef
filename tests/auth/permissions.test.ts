import { describe, expect, it } from "vitest";
import {
  isAllowed,
  namespaceCovers,
  PERMISSIONS,
  type Binding,
  type Permission,
  type Role,
} from "../../lib/auth/permissions";

const ACME = "t-acme";
const GLOBEX = "t-globex";

// Where a call can land, relative to a binding on acme/company.team.
const TARGETS = {
  "own namespace": { tenantId: ACME, namespace: "company.team" },
  "child namespace": { tenantId: ACME, namespace: "company.team.etl" },
  "parent namespace": { tenantId: ACME, namespace: "company" },
  "sibling with same prefix": { tenantId: ACME, namespace: "company.teamx" },
  "tenant-wide": { tenantId: ACME, namespace: null },
  "other tenant": { tenantId: GLOBEX, namespace: "company.team" },
  "other tenant, tenant-wide": { tenantId: GLOBEX, namespace: null },
  instance: { tenantId: null, namespace: null },
} as const;
type Where = keyof typeof TARGETS;
const ALL = Object.keys(TARGETS) as Where[];
const ACME_ALL: Where[] = [
  "own namespace",
  "child namespace",
  "parent namespace",
  "sibling with same prefix",
  "tenant-wide",
];
const NS: Where[] = ["own namespace", "child namespace"];
const ANY_ACME: Where[] = ACME_ALL;

const bindings: Record<Role, Binding[]> = {
  "instance-admin": [{ role: "instance-admin", tenantId: null, namespace: null }],
  "tenant-admin": [{ role: "tenant-admin", tenantId: ACME, namespace: null }],
  "namespace-editor": [{ role: "namespace-editor", tenantId: ACME, namespace: "company.team" }],
  viewer: [{ role: "viewer", tenantId: ACME, namespace: "company.team" }],
};

// The expected matrix, written out by hand: for each role and permission, where it is allowed.
const EXPECTED: Record<Role, Record<Permission, Where[]>> = {
  "instance-admin": Object.fromEntries(PERMISSIONS.map((p) => [p, ALL])) as Record<Permission, Where[]>,
  "tenant-admin": {
    "tenant:list": ALL,
    "session:self": ALL,
    "tenant:create": [],
    "instance:manage": [],
    "tenant:read": ACME_ALL,
    "namespace:create": ACME_ALL,
    "config:read": ACME_ALL,
    "config:write": ACME_ALL,
    "config:verify": ACME_ALL,
    "secret:list": ACME_ALL,
    "secret:check": ACME_ALL,
    "secret:write": ACME_ALL,
    "user:manage": ACME_ALL,
    "audit:read": ACME_ALL,
  },
  "namespace-editor": {
    "tenant:list": ALL,
    "session:self": ALL,
    "tenant:create": [],
    "instance:manage": [],
    "tenant:read": ANY_ACME,
    "namespace:create": [],
    "config:read": [],
    "config:write": [],
    "config:verify": NS,
    "secret:list": NS,
    "secret:check": NS,
    "secret:write": NS,
    "user:manage": [],
    "audit:read": [],
  },
  viewer: {
    "tenant:list": ALL,
    "session:self": ALL,
    "tenant:create": [],
    "instance:manage": [],
    "tenant:read": ANY_ACME,
    "namespace:create": [],
    "config:read": [],
    "config:write": [],
    "config:verify": NS,
    "secret:list": NS,
    "secret:check": NS,
    "secret:write": [],
    "user:manage": [],
    "audit:read": [],
  },
};

describe("permission matrix", () => {
  for (const role of Object.keys(EXPECTED) as Role[]) {
    for (const permission of PERMISSIONS) {
      it(`${role} / ${permission}`, () => {
        const allowed = ALL.filter((w) => isAllowed(bindings[role], permission, TARGETS[w]));
        expect(allowed).toEqual(EXPECTED[role][permission]);
      });
    }
  }

  it("a tenant-wide viewer sees every namespace of its tenant and nothing of another", () => {
    const b: Binding[] = [{ role: "viewer", tenantId: ACME, namespace: null }];
    expect(isAllowed(b, "secret:list", TARGETS["parent namespace"])).toBe(true);
    expect(isAllowed(b, "secret:list", TARGETS["tenant-wide"])).toBe(true);
    expect(isAllowed(b, "secret:write", TARGETS["own namespace"])).toBe(false);
    expect(isAllowed(b, "secret:list", TARGETS["other tenant"])).toBe(false);
  });

  it("combines bindings: the strongest one covering the target wins", () => {
    const b: Binding[] = [
      { role: "viewer", tenantId: ACME, namespace: null },
      { role: "namespace-editor", tenantId: ACME, namespace: "company.team" },
    ];
    expect(isAllowed(b, "secret:write", TARGETS["child namespace"])).toBe(true);
    expect(isAllowed(b, "secret:write", TARGETS["parent namespace"])).toBe(false);
  });

  it("no bindings: nothing but signing out and the (empty) tenant list", () => {
    expect(PERMISSIONS.filter((p) => ALL.some((w) => isAllowed([], p, TARGETS[w])))).toEqual([
      "tenant:list",
      "session:self",
    ]);
  });

  it("namespace ancestry is by whole segments", () => {
    expect(namespaceCovers("company", "company.team")).toBe(true);
    expect(namespaceCovers("company", "company")).toBe(true);
    expect(namespaceCovers("company", "companyx")).toBe(false);
    expect(namespaceCovers("company.team", "company")).toBe(false);
  });
});
