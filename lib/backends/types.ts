// The backend type names, derived from the registry of descriptors (one line there per type).
export { EXTERNAL_BACKEND_TYPES, type BackendType, type ExternalBackendType } from "./descriptors";
