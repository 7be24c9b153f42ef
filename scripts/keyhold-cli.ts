// `bin/keyhold`: configuration as code against this instance's database (DATABASE_URL or the PGlite data folder, as
// `npm start` resolves them), or with --url / KEYHOLD_URL against a running Keyhold through REST API v1
// (scripts/keyhold-remote.ts). `export --tenant acme`, `apply -f acme.yaml [--yes]`.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDriver } from "../lib/db/driver";
import { migrate } from "../lib/db/migrator";
import { PrismaClient } from "../lib/db/generated/client";
import { dataDir, databaseUrl } from "../lib/settings";
import { KeyholdError } from "../lib/errors";
import { exportTenant } from "../lib/config-as-code/export";
import { planTenant, prepareTenantFile, type PreparedTenantFile } from "../lib/config-as-code/plan";
import { applyPlan } from "../lib/config-as-code/apply";
import { previewPlanSwitches } from "../lib/config-as-code/plan-switches";
import { renderPlan } from "../lib/config-as-code/render-plan";
import { remoteApply, remoteExport, remoteOf } from "./keyhold-remote";

const USAGE = `Usage:
  keyhold [--url <url> --token <token>] export --tenant <id> [-o <file>]
                                               print the tenant's namespaces and dedicated managers as YAML
  keyhold [--url <url> --token <token>] apply -f <file|-> [--yes]
                                               show the plan; apply it only with --yes

Remote (REST API v1): --url or KEYHOLD_URL (https://…; http:// only for localhost), and an API token in
KEYHOLD_API_TOKEN (or --token, which other users can see in the process list). The file's \${ENV} references are
resolved from your environment and their values sent to the server; a credential whose variable is unset keeps the
stored one where the destination is unchanged.
Direct (no --url): DATABASE_URL (PostgreSQL) or the PGlite folder in KEYHOLD_DATA_DIR (default ./data), as npm start.
With PGlite, stop the console first: the embedded database takes one process at a time (refused while it runs).`;

// The wrapper runs from the repository (so ./data matches npm start); file names are the caller's.
const callerDir = process.env.KEYHOLD_CLI_CWD || process.cwd();
const resolveFile = (f: string) => path.resolve(callerDir, f);

function parseArgs(argv: string[]) {
  let command: string | undefined;
  const rest = argv;
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (command === undefined && !a.startsWith("-")) {
      command = a;
      continue;
    }
    const name = {
      "--url": "url",
      "--token": "token",
      "-f": "file",
      "--file": "file",
      "-o": "out",
      "--out": "out",
      "--tenant": "tenant",
      "--yes": "yes",
      "-y": "yes",
      "-h": "help",
      "--help": "help",
    }[a];
    if (!name) throw new KeyholdError("invalid-input", `Unknown argument '${a}'.\n${USAGE}`);
    if (name === "yes" || name === "help") flags[name] = true;
    else {
      const value = rest[++i];
      if (value === undefined) throw new KeyholdError("invalid-input", `${a} needs a value.\n${USAGE}`);
      flags[name] = value;
    }
  }
  return { command, flags };
}

/** An export to stdout or `-o <file>`; warnings and the variables to set on stderr. */
function writeExport(
  result: { yaml: string; variables: { variable: string }[]; warnings: string[] },
  out: string | true | undefined,
) {
  for (const w of result.warnings) console.error(`warning: ${w}`);
  if (typeof out === "string") {
    writeFileSync(resolveFile(out), result.yaml, { mode: 0o644 });
    console.error(`Wrote ${out}`);
  } else process.stdout.write(result.yaml);
  if (result.variables.length)
    console.error(
      `Credentials are references; set before applying: ${result.variables.map((v) => v.variable).join(", ")}`,
    );
  return 0;
}

const actor = () => `cli:${os.userInfo().username}@${os.hostname()}`.slice(0, 255);

async function main(): Promise<number> {
  const { command, flags } = parseArgs(process.argv.slice(2));
  if (!command || command === "help" || flags.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command !== "export" && command !== "apply")
    throw new KeyholdError("invalid-input", `Unknown command '${command}'.\n${USAGE}`);
  // Read the file before opening the database: a missing file changes nothing.
  let source = "";
  let fileName = "";
  if (command === "apply") {
    if (typeof flags.file !== "string") throw new KeyholdError("invalid-input", `apply needs -f <file>.\n${USAGE}`);
    fileName = flags.file === "-" ? "<stdin>" : flags.file;
    try {
      source = readFileSync(flags.file === "-" ? 0 : resolveFile(flags.file), "utf8");
    } catch (error) {
      throw new KeyholdError(
        "invalid-input",
        `${fileName}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  const remote = remoteOf(
    typeof flags.url === "string" ? flags.url : process.env.KEYHOLD_URL,
    typeof flags.token === "string" ? flags.token : process.env.KEYHOLD_API_TOKEN,
  );
  if (remote) {
    if (command === "apply") return remoteApply(remote, source, fileName, flags.yes === true, (l) => console.log(l));
    if (typeof flags.tenant !== "string")
      throw new KeyholdError("invalid-input", `export needs --tenant <id>.\n${USAGE}`);
    return writeExport(await remoteExport(remote, flags.tenant), flags.out);
  }
  const who = { instanceAdmin: true };
  // A bad file (YAML, settings, a missing variable) is refused before the database is opened.
  let prepared: PreparedTenantFile | null = null;
  if (command === "apply") prepared = prepareTenantFile(source, fileName, process.env, who);
  else if (typeof flags.tenant !== "string")
    throw new KeyholdError("invalid-input", `export needs --tenant <id>.\n${USAGE}`);

  const driver = openDriver({ databaseUrl: databaseUrl(), dataDir: dataDir() });
  const prisma = new PrismaClient({ adapter: driver.adapter });
  try {
    await migrate(driver);
    if (command === "export") {
      return writeExport(await exportTenant(prisma, flags.tenant as string), flags.out);
    }
    const plan = await planTenant(prisma, prepared!, fileName, process.env, who);
    // A change of the backend serving an existing scope shows its counts and disappearing keys, as the console does.
    await previewPlanSwitches(prisma, plan, { actor: actor(), instanceAdmin: who.instanceAdmin });
    console.log(renderPlan(plan));
    if (!plan.changes) return 0;
    if (!flags.yes) {
      console.log("\nNothing was applied. Run again with --yes to apply this plan.");
      return 0;
    }
    const { applied } = await applyPlan(prisma, plan, actor(), who);
    console.log(`\nApplied ${applied} change(s) to tenant '${plan.tenant}' (audited as ${actor()}).`);
    return 0;
  } finally {
    await prisma.$disconnect().catch(() => undefined);
    await driver.close().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Only Keyhold's own messages are printed: they never carry a credential or a value.
    const message =
      error instanceof KeyholdError ? error.message : `unexpected error (${(error as Error)?.name ?? "error"})`;
    console.error(`keyhold: ${message}`);
    if (error instanceof KeyholdError && error.fieldErrors)
      for (const [k, v] of Object.entries(error.fieldErrors)) console.error(`  ${k}: ${v}`);
    process.exit(error instanceof KeyholdError && error.code === "conflict" ? 3 : 1);
  },
);
