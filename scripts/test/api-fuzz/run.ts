// Issue 8, section 6 and issue 13: schemathesis fuzzes every route handler of the production build (REST API v1 with its
// writes, and the console's own) from the OpenAPI description the code generates (/api/v1/openapi.json), as the first
// administrator and as a namespace viewer: each run sends its session cookie (console routes) and an API token as
// `Authorization: Bearer` (REST API v1). Started by
// scripts/test/schemathesis.sh after `next build`; writes JUnit XML that scripts/test/summarize.mjs counts.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Binding } from "../../../lib/auth/permissions";
import { operationsOf, refusedSuccesses, type Exchange } from "./matrix-oracle";
import { ACTIONS, signedIn } from "../../../tests/support/server-actions";
import { loopbackGuardEnv } from "../../../tests/support/loopback-env";

const SCHEMATHESIS =
  process.env.KEYHOLD_SCHEMATHESIS ?? path.join(os.homedir(), ".cache/keyhold/schemathesis/venv/bin/schemathesis");
const LABEL = process.env.KEYHOLD_SCHEMATHESIS_LABEL ?? (process.env.DATABASE_URL ? "postgres" : "pglite");
const OUT = path.resolve(process.env.KEYHOLD_SCHEMATHESIS_OUT ?? path.join("test-results", `schemathesis-${LABEL}`));
// 100 cases per operation and phase keep both roles under a minute on two cores; KEYHOLD_SCHEMATHESIS_EXAMPLES scales it.
const MAX_EXAMPLES = process.env.KEYHOLD_SCHEMATHESIS_EXAMPLES ?? "100";
const SEED = process.env.KEYHOLD_SCHEMATHESIS_SEED ?? "8";
// REST API v1 (30 operations) runs in passes of its own. Examples and fuzzing: 30 cases per operation and mode
// (KEYHOLD_SCHEMATHESIS_V1_EXAMPLES scales it). The coverage phase (unsupported methods, content types, each field's
// boundaries and absence) in a pass of its own, as the administrator only: its probes test the shape of requests, not
// rights (the viewer's fuzzing feeds the permission oracle), and its size is set by the schema, not by --max-examples
// (~1,100 requests, about a minute). It runs on one worker: with two, their threads hit a CPython 3.11 AST race
// (`AST constructor recursion depth mismatch`) inside Hypothesis.
const V1_EXAMPLES = process.env.KEYHOLD_SCHEMATHESIS_V1_EXAMPLES ?? "30";
const PASSES: { suffix: string; args: string[]; workers?: string; roles?: string[] }[] = [
  { suffix: "", args: ["--include-path-regex", "^/api/(?!v1/)", "--max-examples", MAX_EXAMPLES] },
  {
    suffix: "-v1",
    args: ["--include-path-regex", "^/api/v1/", "--phases", "examples,fuzzing", "--max-examples", V1_EXAMPLES],
  },
  {
    suffix: "-v1-coverage",
    args: ["--include-path-regex", "^/api/v1/", "--phases", "coverage"],
    workers: "1",
    roles: ["admin"],
  },
];
// Each run is killed after this long, whatever schemathesis is doing.
const RUN_LIMIT_MS = 240_000;
const CHECKS = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_schema_conformance",
  "unsupported_method",
];

const ADMIN = { email: "fuzz-admin@keyhold.test", password: "fuzz admin password 1234", name: "Fuzz Admin" };
const VIEWER = { email: "fuzz-viewer@keyhold.test", password: "fuzz viewer password 1234" };
const TENANT = "apifuzz";
const VIEWER_NAMESPACE = "company.team";
// Seeded values the fuzzer picks as often as random ones, so requests reach real rows and not only 403/404. The
// viewer's own namespace comes first: Hypothesis favours an enum's first value, and the viewer's run needs requests
// it may make (with `company` first, a run listed only `company`, refused, and checked nothing the matrix allows).
const SEEDED: Record<string, string[]> = {
  tenant: [TENANT],
  namespace: [VIEWER_NAMESPACE, "company", "company.team.etl", "company.other"],
};

interface Check {
  name: string;
  failure?: string;
  seconds: number;
}
const checks: Check[] = [];
/** Each schemathesis run's wall time (summary.json), by role and pass. */
const passSeconds: Record<string, number> = {};

async function check(name: string, body: () => Promise<void>) {
  const started = Date.now();
  try {
    await body();
    checks.push({ name, seconds: (Date.now() - started) / 1000 });
  } catch (error) {
    checks.push({ name, failure: (error as Error).message, seconds: (Date.now() - started) / 1000 });
    console.error(`[schemathesis] FAILED ${name}: ${(error as Error).message}`);
  }
}

const xml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

function writeChecks() {
  const failures = checks.filter((c) => c.failure).length;
  const cases = checks.map(
    (c) =>
      `    <testcase name="${xml(c.name)}" time="${c.seconds}">${c.failure ? `<failure message="${xml(c.failure.slice(0, 2000))}"/>` : ""}</testcase>`,
  );
  writeFileSync(
    path.join(OUT, "checks.xml"),
    `<?xml version="1.0" encoding="utf-8"?>\n<testsuites tests="${checks.length}" failures="${failures}">\n  <testsuite name="schemathesis-${LABEL} checks" tests="${checks.length}" failures="${failures}">\n${cases.join("\n")}\n  </testsuite>\n</testsuites>\n`,
  );
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = net.createServer().once("error", () => resolve(null));
      server.listen(port, "localhost", () =>
        server.close(() => resolve((server.address() as net.AddressInfo | null)?.port ?? port)),
      );
    });
  return (await tryPort(preferred)) ?? (await tryPort(0))!;
}

function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const log = createWriteStream(path.join(OUT, "server.log"));
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: {
      ...process.env,
      // Generated requests name arbitrary hosts: the server refuses every lookup and connection beyond loopback.
      ...loopbackGuardEnv(),
      PORT: String(port),
      HOSTNAME: "localhost",
      KEYHOLD_DATA_DIR: dataDir,
      KEYHOLD_CONFIG_FILE: "",
      KEYHOLD_ADMIN_EMAIL: ADMIN.email,
      KEYHOLD_ADMIN_PASSWORD: ADMIN.password,
      KEYHOLD_ADMIN_NAME: ADMIN.name,
      // The per-token limit is tested in tests/api/v1; here it would only turn generated requests into 429s.
      KEYHOLD_API_RATE_LIMIT: "1000000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("the server did not start within 120 s (see server.log)")),
      120_000,
    );
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Keyhold is running")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before it was ready (see server.log)`));
    });
  });
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

// A tenant file for the seeded tenant, offered as the config-plan / config-apply body's example: random text never
// parses as one, and without it those operations would only ever answer 400.
const SEEDED_FILE = `keyhold:\n  tenant: ${TENANT}\n  display-name: API fuzz\nnamespaces:\n  company.team: {}\n`;

/** The served description with seeded tenant and namespace values offered next to the generated ones. */
function withSeededValues(doc: Record<string, unknown>): Record<string, unknown> {
  type Body = { content?: Record<string, { schema?: { properties?: Record<string, Record<string, unknown>> } }> };
  const copy = structuredClone(doc) as {
    paths: Record<
      string,
      Record<string, { parameters?: { name: string; schema: object; example?: string }[]; requestBody?: Body }>
    >;
  };
  for (const methods of Object.values(copy.paths)) {
    for (const op of Object.values(methods)) {
      const file = op.requestBody?.content?.["application/json"]?.schema?.properties?.file;
      if (file) file.examples = [SEEDED_FILE];
      for (const p of op.parameters ?? []) {
        if (!Object.hasOwn(SEEDED, p.name)) continue;
        p.schema = { anyOf: [{ enum: SEEDED[p.name] }, p.schema] };
        // The examples phase sends each operation once with these: the viewer's REST API v1 pass has no coverage
        // phase to enumerate the seeded values, and 30 random cases may never draw them.
        p.example = SEEDED[p.name][0];
      }
    }
  }
  return copy;
}

interface RunResult {
  generated: number;
  exchanges: Exchange[];
  status: number | null;
  output: string;
}

/** The FAILURES section of schemathesis's output (each failure with its curl command), or its tail. */
const failuresOf = (output: string) =>
  output.includes("FAILURES")
    ? output.slice(output.indexOf("FAILURES"), output.indexOf("FAILURES") + 6000)
    : output.slice(-4000);

function runPass(
  role: string,
  schemaFile: string,
  base: string,
  cookie: string,
  token: string,
  pass: (typeof PASSES)[number],
): RunResult {
  const name = `${role}${pass.suffix}`;
  const har = path.join(OUT, `${name}.har`);
  const args = [
    "run",
    schemaFile,
    "--url",
    base,
    "--checks",
    CHECKS.join(","),
    "--header",
    `Cookie: ${cookie}`,
    "--header",
    `Authorization: Bearer ${token}`,
    ...pass.args,
    "--seed",
    SEED,
    "--workers",
    pass.workers ?? "2",
    "--request-timeout",
    "30",
    "--generation-database",
    "none",
    "--report",
    "junit,har",
    "--report-junit-path",
    path.join(OUT, `${name}.xml`),
    "--report-har-path",
    har,
    "--no-color",
  ];
  console.log(
    `[schemathesis] ${name}: ${path.basename(SCHEMATHESIS)} ${args.map((a) => (a.startsWith("Cookie:") ? "'Cookie: <session>'" : a.startsWith("Authorization:") ? "'Authorization: Bearer <token>'" : a)).join(" ")}`,
  );
  const started = Date.now();
  const run = spawnSync(SCHEMATHESIS, args, {
    encoding: "utf8",
    timeout: RUN_LIMIT_MS,
    env: { ...process.env, SCHEMATHESIS_TELEMETRY: "false" },
  });
  const output = `${run.stdout ?? ""}\n${run.stderr ?? ""}`;
  writeFileSync(path.join(OUT, `${name}.log`), output);
  if (run.error) throw new Error(`schemathesis (${name}) did not finish: ${run.error.message}`);
  const entries = existsSync(har) ? (JSON.parse(readFileSync(har, "utf8")).log?.entries ?? []) : [];
  const exchanges: Exchange[] = entries.map(
    (e: { request: { method: string; url: string; postData?: { text?: string } }; response: { status: number } }) => ({
      method: e.request.method,
      url: e.request.url,
      status: e.response.status,
      body: e.request.postData?.text,
    }),
  );
  const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? exchanges.length);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `[schemathesis] ${name}: ${generated} test cases generated, ${exchanges.length} requests sent in ${seconds} s; exit ${run.status}`,
  );
  passSeconds[name] = seconds;
  return { generated, exchanges, status: run.status, output };
}

/** Both passes for one role (the console's route handlers, then REST API v1), their exchanges together. */
function runSchemathesis(role: string, schemaFile: string, base: string, cookie: string, token: string): RunResult {
  const runs = PASSES.filter((pass) => !pass.roles || pass.roles.includes(role)).map((pass) =>
    runPass(role, schemaFile, base, cookie, token, pass),
  );
  return {
    generated: runs.reduce((n, r) => n + r.generated, 0),
    exchanges: runs.flatMap((r) => r.exchanges),
    status: runs.find((r) => r.status !== 0)?.status ?? 0,
    output: runs.map((r) => r.output).join("\n"),
  };
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const started = Date.now();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "keyhold-schemathesis-"));
  let server: ChildProcess | undefined;
  const totals: Record<string, { generated: number; requests: number; statuses: Record<string, number> }> = {};
  try {
    let base = "";
    let schemaFile = "";
    let adminCookie = "";
    let viewerCookie = "";
    let adminToken = "";
    let viewerToken = "";
    await check("server starts, the administrator signs in and seeds a tenant", async () => {
      if (!existsSync(SCHEMATHESIS))
        throw new Error(
          `schemathesis is not installed at ${SCHEMATHESIS} (bash scripts/test/schemathesis.sh installs it)`,
        );
      if (!existsSync(".next/BUILD_ID")) throw new Error("no production build (.next/BUILD_ID): run next build first");
      const port = await freePort(Number(process.env.KEYHOLD_SCHEMATHESIS_PORT ?? 3200));
      base = `http://localhost:${port}`;
      server = await startServer(port, dataDir);
      const admin = await signedIn(base, ADMIN.email, ADMIN.password);
      await admin.must(...ACTIONS.createTenant, { slug: TENANT, displayName: "API fuzz" });
      for (const ns of ["company.team.etl", "company.other"])
        await admin.must(...ACTIONS.createNamespace, { tenant: TENANT, path: ns });
      const secrets: [string, string, { key: string; value: string }[]][] = [
        ["company", "DATABASE_URL", [{ key: "team", value: "core" }]],
        ["company", "SHARED_TOKEN", []],
        ["company.team", "API_KEY", [{ key: "env", value: "prod" }]],
        ["company.team.etl", "ETL_PASSWORD", []],
        ["company.other", "OTHER_TOKEN", []],
      ];
      for (const [namespace, key, tags] of secrets)
        await admin.must(...ACTIONS.createSecret, {
          tenant: TENANT,
          namespace,
          key,
          value: `fuzz-${key}`,
          description: `seeded ${key}`,
          tags,
        });
      await admin.must(...ACTIONS.addUser, {
        tenant: TENANT,
        email: VIEWER.email,
        name: "Fuzz Viewer",
        password: VIEWER.password,
        role: "viewer",
        namespace: VIEWER_NAMESPACE,
      });
      adminCookie = admin.cookie;
      viewerCookie = (await signedIn(base, VIEWER.email, VIEWER.password)).cookie;
      // API tokens: the administrator's own (instance administrator), and a service account's with the viewer's binding.
      const token = async (args: Record<string, unknown>) => {
        const result = await admin.call(...ACTIONS.createApiToken, {
          expiresInDays: 1,
          tenant: null,
          namespace: null,
          ...args,
        });
        if (!result.ok) throw new Error(`createApiToken: ${JSON.stringify(result.error)}`);
        return (result.data as { token: string }).token;
      };
      adminToken = await token({ name: "fuzz-admin", role: "instance-admin" });
      viewerToken = await token({
        name: "fuzz-viewer",
        serviceAccount: "fuzz-viewer",
        role: "viewer",
        tenant: TENANT,
        namespace: VIEWER_NAMESPACE,
      });
      const served = await fetch(`${base}/api/v1/openapi.json`);
      if (!served.ok) throw new Error(`/api/v1/openapi.json answered ${served.status}`);
      schemaFile = path.join(OUT, "openapi.json");
      writeFileSync(schemaFile, JSON.stringify(withSeededValues(await served.json()), null, 2));
    });
    if (!server || !schemaFile) return;

    const ops = operationsOf(JSON.parse(readFileSync(schemaFile, "utf8")));
    const record = (role: string, r: RunResult) => {
      const statuses: Record<string, number> = {};
      for (const e of r.exchanges) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
      totals[role] = { generated: r.generated, requests: r.exchanges.length, statuses };
      // Its failures, with the requests that caused them, are in <role>.log and the JUnit report.
      if (r.status !== 0) throw new Error(`schemathesis (${role}) exited with ${r.status}:\n${failuresOf(r.output)}`);
    };
    const seededList = (r: RunResult, status: number, prefix = "/api") =>
      r.exchanges.filter(
        (e) => e.status === status && new URL(e.url).pathname.startsWith(`${prefix}/tenants/${TENANT}/namespaces/`),
      ).length;

    await check("administrator: schemathesis finds no server error and every answer is as described", async () => {
      const r = runSchemathesis("admin", schemaFile, base, adminCookie, adminToken);
      record("admin", r);
      if (seededList(r, 200) === 0)
        throw new Error("no request listed a seeded namespace: the run tested refusals only");
      if (seededList(r, 200, "/api/v1") === 0)
        throw new Error("no REST API v1 request reached a seeded namespace: was the bearer token used?");
    });

    await check(
      `viewer of ${TENANT}/${VIEWER_NAMESPACE}: no server error, and no request succeeds that the permission matrix refuses`,
      async () => {
        const r = runSchemathesis("viewer", schemaFile, base, viewerCookie, viewerToken);
        record("viewer", r);
        const bindings: Binding[] = [{ role: "viewer", tenantId: TENANT, namespace: VIEWER_NAMESPACE }];
        const problems = refusedSuccesses(ops, bindings, r.exchanges);
        if (problems.length)
          throw new Error(`${problems.length} answers the matrix refuses:\n${problems.slice(0, 20).join("\n")}`);
        // The oracle had material: the viewer's own namespace was listed, and the rest refused.
        if (seededList(r, 200) === 0)
          throw new Error(`the viewer never listed ${VIEWER_NAMESPACE}: was the session cookie used?`);
        if (seededList(r, 403) === 0) throw new Error("the viewer was never refused a namespace outside its binding");
        if (seededList(r, 200, "/api/v1") === 0)
          throw new Error(`the viewer's token never listed ${VIEWER_NAMESPACE} through REST API v1`);
        if (seededList(r, 403, "/api/v1") === 0)
          throw new Error("the viewer's token was never refused through REST API v1");
      },
    );

    await check("the server logged no unexpected error", async () => {
      const log = readFileSync(path.join(OUT, "server.log"), "utf8");
      const unexpected = log.split("\n").filter((l) => l.includes("unexpected error"));
      if (unexpected.length)
        throw new Error(`${unexpected.length} unexpected errors in server.log:\n${unexpected.slice(0, 10).join("\n")}`);
    });
  } finally {
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    writeChecks();
    writeFileSync(
      path.join(OUT, "summary.json"),
      JSON.stringify(
        {
          label: LABEL,
          maxExamples: Number(MAX_EXAMPLES),
          seed: Number(SEED),
          seconds: (Date.now() - started) / 1000,
          passSeconds,
          roles: totals,
          checks,
        },
        null,
        2,
      ),
    );
    const line = Object.entries(totals).map(
      ([role, t]) =>
        `${role} ${t.generated} generated / ${t.requests} requests (${Object.entries(t.statuses)
          .map(([s, n]) => `${s}: ${n}`)
          .join(", ")})`,
    );
    console.log(
      `[schemathesis] ${LABEL}: ${line.join("; ") || "no run"}; ${checks.filter((c) => !c.failure).length}/${checks.length} checks passed in ${Math.round((Date.now() - started) / 1000)} s; reports in ${path.relative(process.cwd(), OUT)}/`,
    );
  }
}

await main();
process.exit(checks.some((c) => c.failure) ? 1 : 0);
