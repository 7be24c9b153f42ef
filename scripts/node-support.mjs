// Which Node.js versions Keyhold supports, said once at start-up in Keyhold's words (instead of the AWS SDK's warning).

/** Tested: the test suite and CI run on these majors (scripts/test/all.sh; the end-to-end suite on the newest). */
export const TESTED_MAJORS = [20, 22, 24];
/** The oldest release of each tested major that Keyhold runs on (Prisma 7: ^20.19 || ^22.12 || >=24.0). */
export const MINIMUMS = { 20: "20.19.0", 22: "22.12.0", 24: "24.0.0" };
export const MINIMUM = MINIMUMS[20];
/** package.json's `engines.node`, the same ranges. */
export const ENGINES = "^20.19.0 || ^22.12.0 || >=24.0.0";

const parse = (v) => v.replace(/^v/, "").split(".").map(Number);
const older = (a, b) => (a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2]);

/** One sentence about `version` (process.version), and whether Keyhold can run on it at all. */
export function nodeSupport(version) {
  const v = parse(version);
  const [major] = v;
  const minimum = MINIMUMS[major] ?? (major === 21 ? MINIMUMS[22] : major === 23 ? MINIMUMS[24] : null);
  if (major < 20 || (minimum && older(v, parse(minimum)))) {
    return {
      ok: false,
      message: `Node ${version} is too old: Keyhold needs Node ${minimum && major >= 20 ? `${minimum} or newer` : `${MINIMUM} or newer`} (Prisma 7 and Next.js 16 require ${ENGINES}).`,
    };
  }
  if (TESTED_MAJORS.includes(major)) {
    return {
      ok: true,
      message: `Node ${version}: supported. Keyhold is tested on Node ${TESTED_MAJORS.join(", ")}${major === 20 ? "; AWS SDK releases after January 2027 will need Node 22, so plan the move to Node 22 or 24" : ""}.`,
    };
  }
  return {
    ok: true,
    message: `Node ${version}: not tested. Keyhold is tested on Node ${TESTED_MAJORS.join(", ")}; use one of these in production.`,
  };
}
