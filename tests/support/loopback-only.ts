// Test kit, the one loopback guard, typed for TypeScript tests: the implementation is tests/support/loopback-guard.cjs
// (CommonJS, so that every Node process a test run starts can preload it through NODE_OPTIONS).
import { createRequire } from "node:module";

export interface LoopbackOnly {
  /** Hosts something tried to reach (or resolve) that are not loopback; the attempts were refused. */
  refused: string[];
  restore(): void;
}

const guard = createRequire(import.meta.url)("./loopback-guard.cjs") as {
  loopbackOnly(): LoopbackOnly;
  installProcessGuard(): LoopbackOnly;
};

/** Refuses, inside this test process, every connection and name lookup that would leave the machine, until restore(). */
export const loopbackOnly = (): LoopbackOnly => guard.loopbackOnly();

/** The whole process's guard (installed once; never restored). */
export const installProcessGuard = (): LoopbackOnly => guard.installProcessGuard();
