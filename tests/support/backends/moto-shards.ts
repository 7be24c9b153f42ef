// Test kit: one Secrets Manager endpoint on loopback served by several moto_servers of the test's own, for a suite that
// needs tens of thousands of secrets. moto checks every new name against all the secrets of its region (a linear scan,
// so seeding one moto is quadratic: 30,000 secrets take minutes on 2 cores), while `shards` motos of N/shards each seed
// shards times fewer comparisons, in parallel. The endpoint pages ListSecrets through the shards in turn (its NextToken
// names the shard and that moto's own token), so a client sees one account: every page at most MaxResults long, the
// last without a NextToken. Only what the scale suite asks is routed: ListSecrets; the rest goes to the first shard.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SecretsManagerClient, type Tag } from "@aws-sdk/client-secrets-manager";
import { seedMany, startOwnMoto, type OwnMoto } from "./moto-own";

export interface MotoShards {
  endpoint: string;
  /** ListSecrets requests answered so far (one per page a scan reads). */
  listCalls(): number;
  /**
   * Creates `count` secrets, secret i in shard i % shards, `perShard` calls in flight in each shard, every shard at once
   * (the calls wait on the loopback round trip more than on moto; the rare 500 of a race is tried again).
   */
  seed(count: number, secret: (i: number) => { name: string; tags: Tag[] }, perShard?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startMotoShards(shards: number): Promise<MotoShards> {
  const motos: OwnMoto[] = [];
  try {
    for (let i = 0; i < shards; i++) motos.push(await startOwnMoto());
  } catch (error) {
    await Promise.all(motos.map((m) => m.stop()));
    throw error;
  }
  let lists = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const target = String(req.headers["x-amz-target"] ?? "");
        let body = Buffer.concat(chunks).toString("utf8");
        let shard = 0;
        const listing = target === "secretsmanager.ListSecrets";
        if (listing) {
          lists++;
          const input = JSON.parse(body || "{}") as { NextToken?: string };
          const m = /^s(\d+):(.*)$/s.exec(input.NextToken ?? "");
          shard = m ? Number(m[1]) : 0;
          if (m?.[2]) input.NextToken = m[2];
          else delete input.NextToken;
          body = JSON.stringify(input);
        }
        const headers: Record<string, string> = {};
        for (const name of ["content-type", "x-amz-target", "authorization", "x-amz-date", "x-amz-content-sha256"]) {
          const v = req.headers[name];
          if (typeof v === "string") headers[name] = v;
        }
        const answer = await fetch(`${motos[shard].endpoint}${req.url ?? "/"}`, { method: req.method, headers, body });
        let text = await answer.text();
        if (listing && answer.ok) {
          const page = JSON.parse(text) as { NextToken?: string };
          if (page.NextToken) page.NextToken = `s${shard}:${page.NextToken}`;
          else if (shard + 1 < motos.length) page.NextToken = `s${shard + 1}:`;
          else delete page.NextToken;
          text = JSON.stringify(page);
        }
        res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
        res.end(text);
      })().catch((error: unknown) => {
        res.writeHead(502).end(String(error));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    listCalls: () => lists,
    async seed(count, secret, perShard = 2) {
      await Promise.all(
        motos.map((moto, s) => {
          const mine = Array.from({ length: Math.ceil((count - s) / shards) }, (_, j) => s + j * shards);
          return seedMany(moto.client as SecretsManagerClient, mine.length, (j) => secret(mine[j]), perShard);
        }),
      );
    },
    async stop() {
      await new Promise((r) => server.close(r));
      await Promise.all(motos.map((m) => m.stop()));
    },
  };
}
