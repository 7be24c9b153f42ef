import { BackendType as DbBackendType } from "../../db/generated/enums";
import { describeBackend } from "../backend-module";
import { gcpCredentials, gcpDestinations, gcpHost, gcpIdentity, gcpIncomplete, gcpSection } from "./config";
import { gcpView } from "./view";
import { gcpForm } from "./form";

/** Google Secret Manager without its SDK: client-safe (the settings form reads it); `./index.ts` adds the adapter. */
export const gcpDescriptor = describeBackend({
  id: "google-secret-manager",
  label: "Google Secret Manager",
  dbValue: DbBackendType.GOOGLE_SECRET_MANAGER,
  section: gcpSection,
  credentials: gcpCredentials,
  destinations: gcpDestinations,
  view: gcpView,
  identity: gcpIdentity,
  host: gcpHost,
  incomplete: gcpIncomplete,
  // Subkeys are keys of a JSON value: only a read of that one secret tells them.
  capabilities: {
    model: "tagged",
    tagWord: "labels",
    apiFilters: { tags: "labels", namePrefix: true, inReadOnly: false },
    subkeys: () => "on-demand",
  },
  form: gcpForm,
});
