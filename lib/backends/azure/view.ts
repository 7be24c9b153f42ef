import type { ViewDeclaration } from "../backend-module";
import { cloudCommonView } from "../config-fields";

/**
 * Besides the destinations (the vault name or URI, the directory, the authority, the CA), what decides which Azure
 * secrets a configuration sees: the marker prefix and the tag and name filters. A new client secret is no change of view.
 */
export const azureView: ViewDeclaration = cloudCommonView;
