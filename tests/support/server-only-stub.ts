// Test-only stand-in for the `server-only` guard (see vitest.config.ts).
export {};
