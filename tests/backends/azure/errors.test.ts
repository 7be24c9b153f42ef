// The SDK's own error classes, built the way the SDK builds them; the emulator test adds ones captured from the fake.
import { AbortError } from "@azure/abort-controller";
import { createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import {
  AggregateAuthenticationError,
  AuthenticationError,
  AuthenticationRequiredError,
  CredentialUnavailableError,
} from "@azure/identity";
import { describe, expect, it } from "vitest";
import { AuthorityError, azureErrorCode, challengedTenant } from "../../../lib/backends/azure/errors";

const request = (url: string) => createPipelineRequest({ url });
const status = (statusCode: number, code?: string) =>
  new RestError(`HTTP ${statusCode}`, { statusCode, code, request: request("https://acme.vault.azure.net/secrets") });
const network = (code: string, url = "https://acme.vault.azure.net/secrets") =>
  new RestError(`request failed: ${code}`, { code, request: request(url) });

describe("azureErrorCode", () => {
  it.each([
    [400, "BadParameter", "invalid-input"],
    [401, "Unauthorized", "unauthenticated"],
    [403, "Forbidden", "forbidden"],
    [404, "SecretNotFound", "not-found"],
    [409, "Conflict", "conflict"],
    [413, "RequestTooLarge", "invalid-input"],
    [504, "GatewayTimeout", "timeout"],
  ])("maps Key Vault's HTTP %i (%s) to %s", (code, name, expected) => {
    expect(azureErrorCode(status(code, name))).toBe(expected);
  });

  it("leaves other statuses and network failures to the generic rules", () => {
    expect(azureErrorCode(status(500, "InternalError"))).toBeNull();
    expect(azureErrorCode(network("ECONNREFUSED"))).toBeNull();
    expect(azureErrorCode(network("DEPTH_ZERO_SELF_SIGNED_CERT"))).toBeNull();
  });

  it("reads an unknown *.vault.azure.net name (in any cloud) as a missing vault, other unknown hosts not", () => {
    expect(azureErrorCode(network("ENOTFOUND"))).toBe("not-found");
    expect(azureErrorCode(network("ENOTFOUND", "https://acme.vault.usgovcloudapi.net/secrets"))).toBe("not-found");
    expect(azureErrorCode(network("ENOTFOUND", "https://vault.example.internal/secrets"))).toBeNull();
  });

  it("maps sign-in failures of the identity library", () => {
    const wrongSecret = new AuthenticationRequiredError({
      scopes: ["https://vault.azure.net/.default"],
      message: "invalid_client: Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret provided.",
    });
    expect(azureErrorCode(wrongSecret)).toBe("unauthenticated");
    expect(
      azureErrorCode(
        new AuthenticationError(401, {
          error: "invalid_client",
          error_description: "AADSTS7000215: Invalid client secret provided.",
        }),
      ),
    ).toBe("unauthenticated");
    expect(
      azureErrorCode(
        new AuthenticationError(400, {
          error: "invalid_request",
          error_description: "AADSTS90002: Tenant 'contoso' not found.",
        }),
      ),
    ).toBe("invalid-config");
    expect(
      azureErrorCode(
        new AggregateAuthenticationError(
          [new CredentialUnavailableError("EnvironmentCredential is unavailable.")],
          "DefaultAzureCredential failed",
        ),
      ),
    ).toBe("unauthenticated");
    expect(
      azureErrorCode(
        new CredentialUnavailableError(
          "endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details",
        ),
      ),
    ).toBe("unreachable");
  });

  it("reads a vault of another tenant as a configuration error and names that tenant", () => {
    const mismatch = new CredentialUnavailableError(
      "The current credential is not configured to acquire tokens for tenant 72f988bf-86f1-41af-91ab-2d7cd011db47. To enable acquiring tokens for this tenant add it to the AdditionallyAllowedTenants on the credential options.",
    );
    expect(azureErrorCode(mismatch)).toBe("invalid-config");
    expect(challengedTenant(mismatch)).toBe("72f988bf-86f1-41af-91ab-2d7cd011db47");
    expect(challengedTenant(new CredentialUnavailableError("something else"))).toBeNull();
  });

  it("uses the network cause of an unreachable authority", () => {
    expect(
      azureErrorCode(new AuthorityError("Entra ID", network("ECONNREFUSED", "https://login.example/t/v2.0"))),
    ).toBe("unreachable");
    expect(
      azureErrorCode(
        new AuthorityError("Entra ID", network("DEPTH_ZERO_SELF_SIGNED_CERT", "https://login.example/t/v2.0")),
      ),
    ).toBe("tls");
    expect(azureErrorCode(new AuthorityError("Entra ID", new AbortError("The operation was aborted.")))).toBe(
      "timeout",
    );
    expect(azureErrorCode(new AuthorityError("Entra ID", new Error("odd")))).toBe("unreachable");
  });

  it("reads a challenge for another resource as a configuration error", () => {
    // keyvault-common throws a plain Error for this.
    const e = new Error(
      "The challenge resource 'vault.azure.net' does not match the requested domain. Set disableChallengeResourceVerification to true in your client options to disable.",
    );
    expect(azureErrorCode(e)).toBe("invalid-config");
    expect(azureErrorCode(new Error("anything else"))).toBeNull();
  });
});
