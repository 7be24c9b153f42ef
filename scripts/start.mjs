// `npm start`: builds once if needed, then serves the production build. Migrations and the
// configuration file check run inside the server (instrumentation.ts) before it accepts requests.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import next from "next";
import { drainable } from "./drain.mjs";
import { nodeSupport } from "./node-support.mjs";

process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const support = nodeSupport(process.version);
if (!support.ok) {
  console.error(support.message);
  process.exit(1);
}
console.log(support.message);
// Said once above in Keyhold's words; the SDK's own multi-line warning would repeat it on every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "localhost";

if (!existsSync(".next/BUILD_ID") || process.env.KEYHOLD_REBUILD === "1") {
  console.log("Building Keyhold (first start)…");
  const build = spawnSync("npx", ["--no-install", "next", "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const app = next({ dev: false, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();
// Only the methods Next.js serves reach it: it answers TRACE with a 500 (and TRACE echoes requests back), and QUERY,
// PROPFIND and the other methods Node parses with an empty 400 instead of 405 (both found by schemathesis).
const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const server = http.createServer();
const requests = drainable(server);
server.on("request", (req, res) => {
  if (!ALLOWED_METHODS.includes(req.method ?? "")) {
    res.writeHead(405, { allow: ALLOWED_METHODS.join(", "), "content-type": "text/plain" }).end("Method not allowed");
    return;
  }
  // The sign-in limiter counts failures per address: hand it the socket's, which a client cannot forge.
  req.headers["x-keyhold-client-ip"] = req.socket.remoteAddress ?? "unknown";
  requests.track(res, handle(req, res));
});
server.on("error", (error) => {
  console.error(`Keyhold cannot listen on ${hostname}:${port}: ${error.message}`);
  process.exit(1);
});
server.listen(port, hostname, async () => {
  // The first request runs instrumentation.ts (configuration check, migrations); make it now, not on a user's click.
  const response = await fetch(`http://${hostname}:${port}/api/health`).catch((error) => ({
    ok: false,
    statusText: error.message,
  }));
  if (!response.ok) {
    console.error(`Keyhold started but is not healthy: ${response.statusText}`);
    process.exit(1);
  }
  console.log(`Keyhold is running at http://${hostname}:${port}`);
});

// How long a stop waits for the requests in flight (a list, a Refresh waiting for its scan) before closing them.
const grace = Number(process.env.KEYHOLD_SHUTDOWN_GRACE_MS || 10_000);
const GRACE_MS = Number.isFinite(grace) && grace >= 0 ? grace : 10_000;
let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down (${requests.active} requests in flight)…`);
  const force = setTimeout(() => process.exit(1), GRACE_MS + 10_000);
  force.unref();
  // The database closes only after the requests using it ended (or the grace period ran out).
  if (!(await requests.drain(GRACE_MS))) console.log(`Requests still running after ${GRACE_MS} ms were closed.`);
  const closeDb = globalThis[Symbol.for("keyhold.shutdown")];
  try {
    if (typeof closeDb === "function") await closeDb();
    await app.close?.();
  } finally {
    process.exit(0);
  }
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
