// The fault scenarios, shared by the fault suite (tests/faults, which asserts) and scripts/bench/faults (which prints):
// each runs Keyhold's adapter against one fault and reports the coded outcome and the time to answer.
import http from "node:http";
import type net from "node:net";
import type { IndexedSecret, SecretsBackend } from "../../../lib/backends/adapter";
import { tlsFront } from "../backends/gcp";
import type { ToxiProxy, Toxiproxy } from "../toxiproxy";
import type { FaultTarget } from "./targets";

export interface Observed {
  /** "ok", a BackendError code, "partial n/N" (a list cut short and presented as complete), "internal" or "hang". */
  outcome: string;
  ms: number;
  note?: string;
}

/** Beyond this a call is reported as a hang (the suite's limit is the timeout plus one second). */
const HANG_MARGIN_MS = 5_000;

export const FAULTS = [
  "latency above timeout",
  "latency below timeout",
  "reset mid-list",
  "stalled socket",
  "bandwidth 16 KB/s",
  "server stopped",
  "server restarted",
  "TLS to a plain port",
  "certificate for another name",
  "HTML answer",
  "truncated answer",
] as const;
export type Fault = (typeof FAULTS)[number];

/** Every entry of a full scan. */
export async function listAll(backend: SecretsBackend): Promise<IndexedSecret[]> {
  const out: IndexedSecret[] = [];
  for await (const page of backend.scan()) out.push(...page);
  return out;
}

const codeOf = (error: unknown): string => {
  const e = error as { name?: string; code?: string };
  return e?.name === "BackendError" && typeof e.code === "string" ? e.code : "internal";
};

/** Runs a full list and tells how it ended, and when. */
export async function observeList(backend: SecretsBackend, expected: number, timeoutMs: number): Promise<Observed> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<"hang">(
    (resolve) => (timer = setTimeout(() => resolve("hang"), timeoutMs + HANG_MARGIN_MS)),
  );
  try {
    const result = await Promise.race([listAll(backend), hang]);
    const ms = Math.round(performance.now() - started);
    if (result === "hang") return { outcome: "hang", ms };
    return { outcome: result.length === expected ? "ok" : `partial ${result.length}/${expected}`, ms };
  } catch (error) {
    return {
      outcome: codeOf(error),
      ms: Math.round(performance.now() - started),
      note: String((error as Error)?.message ?? error).slice(0, 160),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The scan, with the connection reset (Toxiproxy's reset_peer) once its first page has arrived. */
export async function* resetAfterFirstPage(backend: SecretsBackend, proxy: ToxiProxy): AsyncIterable<IndexedSecret[]> {
  let first = true;
  for await (const page of backend.scan()) {
    yield page;
    if (first) {
      first = false;
      await proxy.addToxic({ type: "reset_peer", attributes: { timeout: 0 } });
    }
  }
}

async function plainServer(): Promise<{ port: number; close(): void }> {
  const server = http.createServer((_req, res) => res.writeHead(404, { "content-type": "text/plain" }).end("not here"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

export interface FaultWorld {
  target: FaultTarget;
  toxiproxy: Toxiproxy;
  proxy: ToxiProxy;
  timeoutMs: number;
}

/** Runs one fault against the target and restores the proxy afterwards. */
export async function runFault(world: FaultWorld, fault: Fault): Promise<Observed> {
  const { target, proxy, timeoutMs } = world;
  const proxied = () => target.backend(target.via(proxy.address), timeoutMs);
  const list = (backend: SecretsBackend, ms = timeoutMs) => observeList(backend, target.seeded, ms);
  try {
    switch (fault) {
      case "latency above timeout":
        await proxy.addToxic({ type: "latency", attributes: { latency: timeoutMs + 1_000 } });
        return await list(proxied());
      case "latency below timeout":
        await proxy.addToxic({ type: "latency", attributes: { latency: Math.round(timeoutMs / 10) } });
        return await list(proxied());
      case "reset mid-list": {
        const backend = proxied();
        const started = performance.now();
        let count = 0;
        try {
          for await (const page of resetAfterFirstPage(backend, proxy)) count += page.length;
          const outcome = count === target.seeded ? "ok" : `partial ${count}/${target.seeded}`;
          return { outcome, ms: Math.round(performance.now() - started) };
        } catch (error) {
          return {
            outcome: codeOf(error),
            ms: Math.round(performance.now() - started),
            note: String((error as Error)?.message).slice(0, 160),
          };
        }
      }
      case "stalled socket":
        // Upstream: the request is swallowed and the connection stays open (downstream, a server that closes after
        // answering, as moto does, would close it too).
        await proxy.addToxic({ type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
        return await list(proxied());
      case "bandwidth 16 KB/s":
        await proxy.addToxic({ type: "bandwidth", attributes: { rate: 16 } });
        return await list(proxied());
      case "server stopped":
        await proxy.setEnabled(false);
        return await list(proxied());
      case "server restarted": {
        // Stopped, one failed call, started again: how long until a list answers in full.
        const backend = proxied();
        await proxy.setEnabled(false);
        await list(backend);
        await proxy.setEnabled(true);
        const started = performance.now();
        let last: Observed = { outcome: "hang", ms: 0 };
        while (performance.now() - started < 15_000) {
          last = await list(backend);
          if (last.outcome === "ok") break;
          await new Promise((r) => setTimeout(r, 100));
        }
        return { ...last, ms: Math.round(performance.now() - started), note: `first full list after restart` };
      }
      case "TLS to a plain port": {
        const plain = await plainServer();
        try {
          return await list(target.backend(`https://127.0.0.1:${plain.port}`, timeoutMs));
        } finally {
          plain.close();
        }
      }
      case "certificate for another name": {
        const port = Number(target.upstream.split(":")[1]);
        const front = await tlsFront(port, { cn: "wrong.example", san: "DNS:wrong.example" });
        try {
          return await list(
            target.backend(`https://127.0.0.1:${front.port}`, timeoutMs, target.takesCa ? front.ca : undefined),
          );
        } finally {
          front.close();
        }
      }
      case "HTML answer":
        return await list(target.backend(target.htmlBase, timeoutMs));
      case "truncated answer":
        return await list(target.backend(target.truncatedBase, timeoutMs));
    }
  } finally {
    await proxy.clearToxics();
    await proxy.setEnabled(true);
    await settle(world);
  }
}

/**
 * Waits (at most 15 s) until a list through the proxy answers in full again, so that no fault leaks into the next:
 * gRPC channels back off before reconnecting after a reset.
 */
async function settle({ target, proxy, timeoutMs }: FaultWorld): Promise<void> {
  const until = performance.now() + 15_000;
  while (performance.now() < until) {
    const observed = await observeList(target.backend(target.via(proxy.address), timeoutMs), target.seeded, timeoutMs);
    if (observed.outcome === "ok") return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ThrottleObserved extends Observed {
  /** List page requests the server saw, and the pages a list takes. */
  calls: number;
  pages: number;
}

/**
 * Page 2 of a list throttled `count` times (Retry-After `retryAfterSeconds`, or none), then answered: the list must
 * succeed in pages + count calls (it resumed at page 2, it did not restart).
 */
export async function runThrottle(
  target: FaultTarget,
  options: { count: number; retryAfterSeconds?: number; timeoutMs: number },
): Promise<ThrottleObserved> {
  const { throttler } = target;
  await throttler.arm({ skip: 1, count: options.count, retryAfterSeconds: options.retryAfterSeconds });
  try {
    const observed = await observeList(
      target.backend(throttler.base, options.timeoutMs),
      target.seeded,
      options.timeoutMs,
    );
    return { ...observed, calls: await throttler.listCalls(), pages: target.pages };
  } finally {
    await throttler.clear();
  }
}
