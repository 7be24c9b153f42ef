// The fault suite (tests/support/faults/suite.ts) on Google Secret Manager (gcp-sm-fake): Toxiproxy in front of a private server, TLS
// and broken answers without it, throttling; see docs/reliability.md for the figures.
import { faultSuite } from "../support/faults/suite";

faultSuite("gcp");
