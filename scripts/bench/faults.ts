// Figures for docs/reliability.md: the fault suite's scenarios (tests/support/faults) run once per backend, printed as
// Markdown tables: outcome and time to answer per fault, and throttling (calls made, time to success).
//   scripts/bench/faults [--timeout 1500]
import { FAULTS, runFault, runThrottle, type Observed } from "../../tests/support/faults/scenarios";
import { TARGETS, type TargetId } from "../../tests/support/faults/targets";
import { Toxiproxy } from "../../tests/support/toxiproxy";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TIMEOUT = arg("timeout", 1_500);
const IDS: TargetId[] = ["aws", "vault", "azure", "gcp"];

const cell = (o: Observed) => `${o.outcome} (${(o.ms / 1000).toFixed(2)} s)`;

async function main() {
  const faults = new Map<string, Map<TargetId, Observed>>();
  const throttles = new Map<string, Map<TargetId, string>>();
  const labels: string[] = [];
  const toxiproxy = await Toxiproxy.start();
  try {
    for (const id of IDS) {
      const target = await TARGETS[id]();
      labels.push(target.label);
      try {
        const proxy = await toxiproxy.createProxy(id, target.upstream);
        const world = { target, toxiproxy, proxy, timeoutMs: TIMEOUT };
        for (const fault of FAULTS) {
          const observed = await runFault(world, fault);
          if (!faults.has(fault)) faults.set(fault, new Map());
          faults.get(fault)!.set(id, observed);
          process.stderr.write(`${id} ${fault}: ${cell(observed)}\n`);
        }
        const cases: [string, Parameters<typeof runThrottle>[1]][] = [
          ["page 2 throttled twice, Retry-After: 1", { count: 2, retryAfterSeconds: 1, timeoutMs: 4_000 }],
          ["page 2 throttled twice, no Retry-After", { count: 2, timeoutMs: 4_000 }],
          ["throttled on every call (budget 2 s)", { count: 1_000, timeoutMs: 2_000 }],
        ];
        for (const [name, options] of cases) {
          const o = await runThrottle(target, options);
          if (!throttles.has(name)) throttles.set(name, new Map());
          throttles
            .get(name)!
            .set(id, `${o.outcome}, ${o.calls} calls for ${o.pages} pages, ${(o.ms / 1000).toFixed(2)} s`);
          process.stderr.write(`${id} ${name}: ${o.outcome} ${o.calls}/${o.pages} ${o.ms} ms\n`);
        }
      } finally {
        await target.close();
      }
    }
  } finally {
    await toxiproxy.stop();
  }
  const header = `| fault | ${labels.join(" | ")} |\n|---|${labels.map(() => "---").join("|")}|`;
  console.log(`Call timeout ${TIMEOUT} ms; outcome (time to answer).\n`);
  console.log(header);
  for (const [fault, byId] of faults) console.log(`| ${fault} | ${IDS.map((id) => cell(byId.get(id)!)).join(" | ")} |`);
  console.log(
    `\nThrottling: one full list of the seeded secrets; calls = list page requests the server saw, time = until the list answered.\n`,
  );
  console.log(header.replace("| fault |", "| throttling |"));
  for (const [name, byId] of throttles) console.log(`| ${name} | ${IDS.map((id) => byId.get(id)).join(" | ")} |`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
