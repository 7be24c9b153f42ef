import type { ViewDeclaration } from "../backend-module";
import { cloudCommonView } from "../config-fields";

/**
 * Besides the destinations (region, endpoints), what decides which AWS secrets a configuration sees: the role it
 * assumes (another account's secrets, or another role's grants), the marker prefix and the tag and name filters. A
 * rotated access key, a session token, the session name, duration or external id of the same role are no change of view.
 */
export const awsView: ViewDeclaration = {
  fields: { "role-arn": "role to assume", ...cloudCommonView.fields },
  defaults: cloudCommonView.defaults,
};
