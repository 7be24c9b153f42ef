// The fault suite (tests/support/faults/suite.ts) on Vault (OpenBao): Toxiproxy in front of it, TLS and broken
// answers without it, throttling; see docs/reliability.md for the figures. This file also checks, on a real index
// database, that a reset mid-list keeps the previous generation served, and that one namespace's stalled backend
// does not stall a list of another namespace (the listing pipeline is the same for every backend), and that a
// failed metadata read fails the scan.
import { isolationTests } from "../support/faults/isolation";
import { faultSuite } from "../support/faults/suite";
import { vaultMetadataTests } from "../support/faults/vault-metadata";

faultSuite("vault", {
  index: true,
  more: (ctx) => {
    isolationTests(ctx);
    vaultMetadataTests(ctx);
  },
});
