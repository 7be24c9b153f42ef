import os from "node:os";
import path from "node:path";

// Shared by playwright.config.ts (the server's environment) and e2e/keyless-auth.spec.ts (what the spec serves):
// Azure workload identity reads its federated token file under this directory, and sends it to the Entra ID authority
// the spec serves on loopback at this port; the AWS role goes through a recording forwarder to moto at another.
// Both ports are allowed by the server's egress policy beside the emulators.
const port = () => Number(process.env.KEYHOLD_E2E_PORT ?? 3100);

/** KEYHOLD_TOKEN_FILE_DIRS of the e2e server, without the `{tenant}` segment. */
export const e2eTokenFileRoot = () => path.join(os.tmpdir(), `keyhold-e2e-token-files-${port()}`);

/** The loopback port of the spec's Entra ID authority (the e2e server's port + 5). */
export const e2eAuthorityPort = () => port() + 5;

/** The loopback port of the spec's recording forwarder to moto (STS and Secrets Manager; the e2e server's port + 8). */
export const e2eAwsForwarderPort = () => port() + 8;
