// Test kit: Toxiproxy (github.com/Shopify/toxiproxy, built by scripts/emulators/install.sh from its Go module) on
// loopback, driven through its HTTP API with fetch: proxies in front of the emulators, toxics to add and remove,
// proxies to disable (the server "stopped") and enable again.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type ToxicType = "latency" | "bandwidth" | "slow_close" | "timeout" | "reset_peer" | "slicer" | "limit_data";

export interface Toxic {
  name?: string;
  type: ToxicType;
  stream?: "upstream" | "downstream";
  toxicity?: number;
  attributes: Record<string, number>;
}

/** A free loopback port (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Where install.sh puts the binary (scripts/emulators/lib.sh's kh_toxiproxy_bin). */
export function toxiproxyBin(env: Record<string, string | undefined> = process.env): string {
  const cache = path.join(env.KEYHOLD_CACHE ?? path.join(os.homedir(), ".cache", "keyhold"), "emulators");
  return path.join(cache, `toxiproxy-${env.KEYHOLD_TOXIPROXY_VERSION ?? "2.5.0"}`, "toxiproxy-server");
}

export class Toxiproxy {
  private constructor(
    readonly api: string,
    private readonly child: ChildProcess | null,
  ) {}

  /**
   * Installs (cached) and starts a private toxiproxy-server, its API on `port` (KEYHOLD_TOXIPROXY_PORT, else a free
   * one): each test file has its own, so that resets and toxics never reach another file's proxies.
   */
  static async start(port?: number): Promise<Toxiproxy> {
    port ??= process.env.KEYHOLD_TOXIPROXY_PORT ? Number(process.env.KEYHOLD_TOXIPROXY_PORT) : await freePort();
    const api = `http://127.0.0.1:${port}`;
    execFileSync("bash", ["scripts/emulators/install.sh", "toxiproxy"], { stdio: ["ignore", "ignore", "inherit"] });
    const child = spawn(toxiproxyBin(), ["-host", "127.0.0.1", "-port", String(port)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    // Never outlives the test process, even when its afterAll does not run.
    const stop = () => child.kill("SIGTERM");
    process.once("exit", stop);
    child.once("exit", () => process.off("exit", stop));
    let log = "";
    child.stderr?.on("data", (chunk) => (log = (log + chunk).slice(-4_000)));
    const until = Date.now() + 10_000;
    while (!(await answers(api))) {
      if (child.exitCode !== null || Date.now() > until)
        throw new Error(`toxiproxy-server did not start on ${api}: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return new Toxiproxy(api, child);
  }

  private async request(method: string, route: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.api}${route}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${route}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** A proxy listening on 127.0.0.1:`listenPort` (default: a free port) in front of `upstream` (host:port). */
  async createProxy(name: string, upstream: string, listenPort?: number): Promise<ToxiProxy> {
    listenPort ??= await freePort();
    await this.request("DELETE", `/proxies/${name}`).catch(() => undefined);
    await this.request("POST", "/proxies", { name, listen: `127.0.0.1:${listenPort}`, upstream, enabled: true });
    return new ToxiProxy(this, name, listenPort);
  }

  /** Removes every toxic and enables every proxy. */
  reset(): Promise<unknown> {
    return this.request("POST", "/reset");
  }

  /** @internal */
  call(method: string, route: string, body?: unknown): Promise<unknown> {
    return this.request(method, route, body);
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    const exited = new Promise((r) => this.child!.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }
}

export class ToxiProxy {
  constructor(
    private readonly toxiproxy: Toxiproxy,
    readonly name: string,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async addToxic(toxic: Toxic): Promise<string> {
    const name = toxic.name ?? `${toxic.type}_${toxic.stream ?? "downstream"}`;
    await this.toxiproxy.call("POST", `/proxies/${this.name}/toxics`, {
      name,
      type: toxic.type,
      stream: toxic.stream ?? "downstream",
      toxicity: toxic.toxicity ?? 1,
      attributes: toxic.attributes,
    });
    return name;
  }

  removeToxic(name: string): Promise<unknown> {
    return this.toxiproxy.call("DELETE", `/proxies/${this.name}/toxics/${name}`);
  }

  async clearToxics(): Promise<void> {
    const toxics = (await this.toxiproxy.call("GET", `/proxies/${this.name}/toxics`)) as { name: string }[];
    for (const t of toxics) await this.removeToxic(t.name);
  }

  /** Disabled: the listener is closed and open connections are cut, as a stopped server would be. */
  setEnabled(enabled: boolean): Promise<unknown> {
    return this.toxiproxy.call("POST", `/proxies/${this.name}`, { enabled });
  }
}

async function answers(api: string): Promise<boolean> {
  try {
    return (await fetch(`${api}/version`, { signal: AbortSignal.timeout(500) })).ok;
  } catch {
    return false;
  }
}

/** Whether something listens on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}
