// Test kit: the one way tests (Vitest and Playwright) seed and inspect a backend's emulator, directly through the
// backend's own SDK as a user of that cloud would. One implementation per backend: aws.ts, azure.ts, gcp.ts.

export interface SeededSecret {
  value: string;
  tags: Record<string, string>;
  description: string | null;
}

export interface BackendSeeder {
  /** Creates a secret directly in the backend (its tags or labels, its description). */
  seed(name: string, value: string, tags?: Record<string, string>, description?: string): Promise<void>;
  /** Reads a secret directly, or null when it does not exist (or is deleted). */
  inspect(name: string): Promise<SeededSecret | null>;
  /** Every live secret name, sorted. */
  names(): Promise<string[]>;
  /** Deletes everything. */
  clear(): Promise<void>;
}

/** The secret carrying all these tags, read back from the backend, or null. */
export async function findTagged(seeder: BackendSeeder, tags: Record<string, string>): Promise<SeededSecret | null> {
  for (const name of await seeder.names()) {
    const secret = await seeder.inspect(name);
    if (secret && Object.entries(tags).every(([k, v]) => secret.tags[k] === v)) return secret;
  }
  return null;
}
