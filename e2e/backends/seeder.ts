import type { Page } from "@playwright/test";

export interface StoredSecret {
  value: string;
  description: string | null;
  tags: Record<string, string>;
}

/** Test-only access to one backend's emulator through its own SDK, and how to fill its settings form. */
export interface BackendSeeder {
  label: string;
  /** The type's radio label in the settings form. */
  radio: string;
  reset(): Promise<void>;
  /** Creates a secret as a user of that backend would (name, value, tags/labels, description). */
  seed(name: string, value: string, tags: Record<string, string>, description?: string): Promise<void>;
  /** The secret carrying all these tags, read back from the backend, or null. */
  find(tags: Record<string, string>): Promise<StoredSecret | null>;
  /** Fills the type-specific part of the dedicated-manager form (type already chosen). */
  configure(page: Page): Promise<void>;
}
