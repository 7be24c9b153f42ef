import type { Page } from "@playwright/test";
import type { BackendSeeder } from "../../tests/support/backends/seeder";

/** A cloud backend as the e2e specs drive it: its emulator's seeder (tests/support/backends) and its settings form. */
export interface E2eBackend {
  label: string;
  /** The type's radio label in the settings form. */
  radio: string;
  seeder: BackendSeeder;
  /** Fills the type-specific part of the dedicated-manager form (type already chosen). */
  configure(page: Page): Promise<void>;
}
