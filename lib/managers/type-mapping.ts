import { BackendType as DbBackendType } from "../db/generated/enums";
import type { ExternalBackendType } from "../backends/types";

const TO_DB: Record<ExternalBackendType, DbBackendType> = {
  "aws-secret-manager": DbBackendType.AWS_SECRET_MANAGER,
  "azure-key-vault": DbBackendType.AZURE_KEY_VAULT,
  "google-secret-manager": DbBackendType.GOOGLE_SECRET_MANAGER,
  vault: DbBackendType.VAULT,
};

const FROM_DB = Object.fromEntries(Object.entries(TO_DB).map(([k, v]) => [v, k])) as Record<DbBackendType, ExternalBackendType>;

export const toDbType = (t: ExternalBackendType): DbBackendType => TO_DB[t];
export const fromDbType = (t: DbBackendType): ExternalBackendType => FROM_DB[t];
