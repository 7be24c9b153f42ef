// Which Node.js versions Keyhold supports, said once at start-up in Keyhold's words (instead of the AWS SDK's warning).

/** Tested: the test suite and CI run on these majors. */
export const TESTED_MAJORS = [20];
export const MINIMUM = "20.19.0";

const parse = (v) => v.replace(/^v/, "").split(".").map(Number);

/** One sentence about `version` (process.version), and whether Keyhold can run on it at all. */
export function nodeSupport(version) {
  const [major, minor] = parse(version);
  const [minMajor, minMinor] = parse(MINIMUM);
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    return {
      ok: false,
      message: `Node ${version} is too old: Keyhold needs Node ${MINIMUM} or newer (Prisma 7 and Next.js 16 require it).`,
    };
  }
  if (TESTED_MAJORS.includes(major)) {
    return {
      ok: true,
      message: `Node ${version}: supported. Keyhold is tested on Node ${TESTED_MAJORS.join(", ")} and pins SDK versions that run on it; AWS SDK releases after January 2027 will need Node 22, and Keyhold will move once its test suite passes on Node 22 and 24.`,
    };
  }
  return {
    ok: true,
    message: `Node ${version}: not yet proven. Keyhold is tested on Node ${TESTED_MAJORS.join(", ")}; newer versions are expected to work but are not part of its test suite yet.`,
  };
}
