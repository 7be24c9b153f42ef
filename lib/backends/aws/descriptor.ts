import { BackendType as DbBackendType } from "../../db/generated/enums";
import { describeBackend } from "../backend-module";
import { awsCredentials, awsDestinations, awsHost, awsIdentity, awsIncomplete, awsSection } from "./config";
import { awsView } from "./view";
import { awsForm } from "./form";

/** AWS Secrets Manager without its SDK: client-safe (the settings form reads it); `./index.ts` adds the adapter. */
export const awsDescriptor = describeBackend({
  id: "aws-secret-manager",
  label: "AWS Secrets Manager",
  dbValue: DbBackendType.AWS_SECRET_MANAGER,
  section: awsSection,
  credentials: awsCredentials,
  destinations: awsDestinations,
  view: awsView,
  identity: awsIdentity,
  host: awsHost,
  incomplete: awsIncomplete,
  // Subkeys are keys of a JSON value: only a read of that one secret tells them.
  capabilities: {
    model: "tagged",
    tagWord: "tags",
    apiFilters: { tags: "one-pair", namePrefix: true, inReadOnly: true },
    subkeys: () => "on-demand",
  },
  form: awsForm,
});
