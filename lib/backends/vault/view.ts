import type { ViewDeclaration } from "../backend-module";

/**
 * Besides the destinations (address, namespace, auth mount, CA), what decides which Vault entries a configuration
 * sees: the KV mount and its version, the path prefix, and the read-only flag (read-only mode reads every entry under
 * the prefix as a key of the attached scope; managed mode reads `prefix/TENANT/NS/KEY`). A new token, password or
 * secret id for the same address is no change of view.
 */
export const vaultView: ViewDeclaration = {
  fields: {
    "root-engine": "KV mount",
    "engine-version": "KV version",
    "secret-path-prefix": "secret path prefix",
  },
  defaults: { "root-engine": "secret", "engine-version": 2 },
  readOnly: true,
};
