import { afterEach, describe, expect, it, vi } from "vitest";
import { logger } from "../lib/log";

const CANARY = "CANARY-log-7f3e";

afterEach(() => vi.restoreAllMocks());

function captured(run: () => void): string {
  const out = vi.spyOn(console, "log").mockImplementation(() => undefined);
  const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
  run();
  return JSON.stringify([...out.mock.calls, ...err.mock.calls]);
}

describe("structured logs", () => {
  it("redacts credentials and secret values at any depth, in arrays too", () => {
    const text = captured(() =>
      logger.info(
        {
          password: CANARY,
          document: {
            vault: { token: { token: CANARY } },
            "aws-secret-manager": { "secret-key-id": CANARY, "access-key-id": CANARY },
          },
          rows: [{ key: "DB", value: CANARY }],
          headers: { authorization: `Bearer ${CANARY}`, cookie: `better-auth.session_token=${CANARY}` },
          clientSecret: { clientSecret: CANARY },
          "service-account": CANARY,
          sessionToken: CANARY,
          apiKey: CANARY,
        },
        "saving",
      ),
    );
    expect(text).not.toContain(CANARY);
    expect(text).toContain("[redacted]");
    expect(text).toContain('\\"key\\":\\"DB\\"');
  });

  it("logs an error by name, never its message", () => {
    const text = captured(() => logger.error({ error: new Error(`failed with password=${CANARY}`) }, "boom"));
    expect(text).not.toContain(CANARY);
    expect(text).toContain("Error");
  });

  it("writes one JSON object per line with level, time and message", () => {
    const out = vi.spyOn(console, "log").mockImplementation(() => undefined);
    logger.info({ tenant: "acme" }, "ready");
    const line = JSON.parse(out.mock.calls[0][0] as string);
    expect(line).toMatchObject({ level: "info", msg: "ready", tenant: "acme" });
    expect(Date.parse(line.time)).not.toBeNaN();
  });
});
