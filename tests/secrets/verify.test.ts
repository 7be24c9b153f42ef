import { describe, expect, it } from "vitest";
import { BackendError } from "@/lib/backends/backend-error";
import { verifyServing } from "@/lib/secrets/verify";
import { Prisma } from "@/lib/db/generated/client";
import { finishReport } from "@/lib/backends/capabilities";
import { memoryBackend, memoryDatabase, memoryServing } from "../support/memory-backend";

const tenant = { id: "tenant-verify", slug: "acme" };

describe("verifyServing", () => {
  it("verifies the backend serving the namespace, and records the result on its configuration and in the audit log", async () => {
    const backend = memoryBackend({ type: "vault" });
    const { prisma, audit, verifications } = memoryDatabase();
    const outcome = await verifyServing(
      prisma,
      tenant,
      "company.team",
      "admin@example.com",
      memoryServing({ namespaces: ["company", "company.team"], backends: { company: backend } }),
    );
    expect(backend.calls).toEqual(["verify"]);
    expect(outcome).toMatchObject({
      status: "ok",
      ok: true,
      latencyMs: 3,
      checked: "listed secrets in memory",
      message: null,
      backendLabel: "HashiCorp Vault (Inherited from company)",
    });
    expect(verifications).toEqual([
      {
        where: { id: "config:company", tenantId: "tenant-verify" },
        data: {
          lastVerifiedAt: new Date(outcome.at),
          lastVerifyStatus: "OK",
          lastVerifyMessage: null,
          lastVerifyLatency: 3,
          // No table: an older one is cleared.
          lastVerifyCapabilities: Prisma.DbNull,
        },
      },
    ]);
    expect(audit).toEqual([
      {
        tenantId: "tenant-verify",
        namespace: "company.team",
        actor: "admin@example.com",
        action: "config.verified",
        outcome: "success",
        details: { status: "ok", backend: "vault", source: "namespace" },
      },
    ]);
  });

  it("stores the capability table on the configuration and its outcomes in the audit entry", async () => {
    const capabilities = finishReport(
      [
        { operation: "authenticate", outcome: "yes", detail: "policies: reader" },
        { operation: "list", outcome: "yes", detail: "listed secret/metadata/" },
        { operation: "describe", outcome: "no", detail: "capabilities: list" },
        { operation: "read", outcome: "no", detail: "forbidden: permission denied" },
        { operation: "write", outcome: "no", detail: "capabilities: deny" },
      ],
      { readOnly: true, readOnlyPolicy: null },
    );
    const backend = memoryBackend({ type: "vault", capabilities });
    const { prisma, audit, verifications } = memoryDatabase();
    const outcome = await verifyServing(
      prisma,
      tenant,
      null,
      "admin@example.com",
      memoryServing({ namespaces: [], backends: { "": backend } }),
    );
    expect(outcome.capabilities).toEqual(capabilities);
    expect(outcome.capabilities!.warnings).toEqual([
      "The credential cannot read secret values: flows that call secret('KEY') would fail.",
    ]);
    expect(verifications[0].data.lastVerifyCapabilities).toEqual(capabilities);
    expect(audit[0].details).toEqual({
      status: "ok",
      backend: "vault",
      source: "tenant",
      capabilities: { authenticate: "yes", list: "yes", describe: "no", read: "no", write: "no" },
    });
  });

  it("maps a backend error to its status and message, and records a failure", async () => {
    const backend = memoryBackend({
      type: "aws-secret-manager",
      verifyError: new BackendError("forbidden", "AccessDenied: not allowed to list secrets"),
    });
    const { prisma, audit, verifications } = memoryDatabase();
    const outcome = await verifyServing(
      prisma,
      tenant,
      null,
      "admin@example.com",
      memoryServing({ namespaces: [], backends: { "": backend } }),
    );
    expect(outcome).toMatchObject({
      status: "forbidden",
      ok: false,
      latencyMs: null,
      checked: null,
      message: "AccessDenied: not allowed to list secrets",
    });
    expect(outcome.explanation).not.toBe("");
    expect(verifications[0].data).toMatchObject({
      lastVerifyStatus: "FORBIDDEN",
      lastVerifyMessage: "AccessDenied: not allowed to list secrets",
      lastVerifyLatency: null,
    });
    expect(audit).toMatchObject([
      {
        namespace: null,
        action: "config.verified",
        outcome: "failure",
        details: { status: "forbidden", backend: "aws-secret-manager", source: "tenant" },
      },
    ]);
  });

  it("reports an unexpected error as unreachable without its words", async () => {
    const backend = memoryBackend({ verifyError: new Error("connect ECONNREFUSED 10.0.0.7:8200 token=s.abc") });
    const { prisma, audit, verifications } = memoryDatabase();
    const outcome = await verifyServing(
      prisma,
      tenant,
      "company",
      "a@example.com",
      memoryServing({ namespaces: ["company"], backends: { company: backend } }),
    );
    expect(outcome).toMatchObject({ status: "unreachable", ok: false, message: "The backend could not be reached." });
    expect(verifications[0].data).toMatchObject({ lastVerifyStatus: "UNREACHABLE" });
    expect(JSON.stringify([outcome, audit, verifications])).not.toContain("s.abc");
  });

  it("maps a configuration that cannot be opened to its code", async () => {
    const { prisma, audit } = memoryDatabase();
    const outcome = await verifyServing(
      prisma,
      tenant,
      "company",
      "a@example.com",
      memoryServing({
        namespaces: ["company"],
        backends: {
          company: new BackendError(
            "invalid-config",
            "The stored configuration is not valid any more: vault.address: Required",
          ),
        },
      }),
    );
    expect(outcome).toMatchObject({
      status: "invalid-config",
      ok: false,
      message: "The stored configuration is not valid any more: vault.address: Required",
    });
    expect(audit).toMatchObject([{ outcome: "failure", details: { status: "invalid-config" } }]);
  });
});
