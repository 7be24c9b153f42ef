// Vitest setup (every tier): the test process, and every Node process it starts with its environment, reaches loopback
// addresses only (tests/support/loopback-guard.cjs). A refused attempt fails the call that made it, with its host named.
import { loopbackGuardEnv } from "./loopback-env";
import { installProcessGuard } from "./loopback-only";

installProcessGuard();
Object.assign(process.env, loopbackGuardEnv());
