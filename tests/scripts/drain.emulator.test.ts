// scripts/drain.mjs on a real loopback HTTP server (as scripts/start.mjs uses it): a stop lets the requests in flight
// finish, refuses new connections, and is bounded by its grace period.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { drainable } from "../../scripts/drain.mjs";

interface Drainable {
  readonly active: number;
  track(res: http.ServerResponse, handled: Promise<unknown>): void;
  drain(graceMs: number): Promise<boolean>;
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections();
});

/**
 * A server answering after `?ms=` milliseconds (never, for ms=-1), tracked as scripts/start.mjs tracks Next.js's
 * handler; `?work=` keeps the handler busy that long after the client may have gone (`worked` lists them).
 */
async function slowServer(): Promise<{ url: string; requests: Drainable; worked: string[] }> {
  const server = http.createServer();
  const requests = drainable(server) as Drainable;
  const worked: string[] = [];
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const params = new URL(req.url ?? "/", "http://x").searchParams;
    const ms = Number(params.get("ms") ?? 0);
    const work = Number(params.get("work") ?? 0);
    const handled = (async () => {
      if (work) {
        await new Promise((r) => setTimeout(r, work));
        worked.push(req.url!);
      }
      if (ms >= 0) await new Promise((r) => setTimeout(r, ms));
      if (ms >= 0 && !res.destroyed) res.end("done");
    })();
    requests.track(res, handled);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, worked };
}

const get = (url: string, agent?: http.Agent) =>
  new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
      })
      .on("error", reject);
  });

describe("shutdown drains the requests in flight", () => {
  it("lets running requests finish, then closes; new connections are refused", async () => {
    const { url, requests } = await slowServer();
    const agent = new http.Agent({ keepAlive: true });
    await get(`${url}/?ms=0`, agent); // an idle keep-alive connection: closed at once by the drain
    const running = [get(`${url}/?ms=400`, agent), get(`${url}/?ms=700`)];
    await new Promise((r) => setTimeout(r, 100));
    expect(requests.active).toBe(2);
    const started = Date.now();
    const drained = requests.drain(5_000);
    await new Promise((r) => setTimeout(r, 50));
    await expect(get(`${url}/?ms=0`)).rejects.toThrow(); // ECONNREFUSED: no longer listening
    const answers = await Promise.all(running);
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, "done"],
      [200, "done"],
    ]);
    // Answered while draining: the client is told not to reuse the connection.
    expect(answers.map((a) => a.connection)).toEqual(["close", "close"]);
    expect(await drained).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(requests.active).toBe(0);
    agent.destroy();
  });

  it("stops waiting after the grace period and closes what still runs", async () => {
    const { url, requests } = await slowServer();
    const hanging = get(`${url}/?ms=-1`).catch((error: Error) => error);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    expect(await requests.drain(300)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await hanging).toBeInstanceOf(Error); // its connection was closed
  });

  it("waits for a handler whose client hung up (it may still use the database)", async () => {
    const { url, requests, worked } = await slowServer();
    const request = http.get(`${url}/?work=600`);
    request.on("error", () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    request.destroy(); // the client goes away, as autocannon's do when a run ends
    await new Promise((r) => setTimeout(r, 50));
    expect(requests.active).toBe(1);
    expect(await requests.drain(5_000)).toBe(true);
    expect(worked).toEqual(["/?work=600"]); // the drain ended after the handler's work, not at the hang-up
  });

  it("drains at once when nothing is in flight", async () => {
    const { requests } = await slowServer();
    expect(await requests.drain(10_000)).toBe(true);
  });
});
