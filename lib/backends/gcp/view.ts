import type { ViewDeclaration } from "../backend-module";
import { cloudCommonView } from "../config-fields";

/**
 * Besides the destinations (the project, the endpoints, the CA), what decides which Google secrets a configuration
 * sees: the marker prefix and the label and name filters. A new key for the service account is no change of view.
 */
export const gcpView: ViewDeclaration = cloudCommonView;
