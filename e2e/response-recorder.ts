import { expect, type CDPSession, type Page, type TestInfo } from "@playwright/test";

/** What a same-origin body is: the four kinds a leak check must cover, and the rest (scripts, styles). */
export type BodyKind = "html" | "rsc" | "action" | "json" | "other";
export const CHECKED_KINDS = ["html", "rsc", "action", "json"] as const;

/** How a body was read: streamed while it arrived, from the browser's buffer, or asked for again. */
type Via = "stream" | "buffer" | "replay";
export type RecordedBody = {
  url: string;
  method: string;
  kind: BodyKind | "console";
  via: Via | "console";
  body: string;
  why?: string;
};

type Flight = {
  url: string;
  /** The document that made the request. */
  loaderId: string;
  method: string;
  headers: Record<string, string>;
  postData?: Buffer;
  resourceType?: string;
  status?: number;
  kind?: BodyKind;
  chunks: Buffer[];
  /** Decoded bytes the browser says it received (Network.dataReceived's dataLength). */
  received: number;
  /** The answer to Network.streamResourceContent: true once each Network.dataReceived carries its bytes. */
  streaming?: Promise<boolean>;
  responded: boolean;
  text: boolean;
  failure?: string;
};

const lower = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));

function kindOf(
  method: string,
  headers: Record<string, string>,
  resourceType: string | undefined,
  mime: string,
): BodyKind {
  if (method === "POST" && "next-action" in headers) return "action";
  if (mime === "text/x-component" || headers.rsc === "1") return "rsc";
  if (resourceType === "Document" || mime === "text/html") return "html";
  if (/[/+]json$/.test(mime)) return "json";
  return "other";
}

const isText = (mime: string, resourceType?: string) =>
  /^text\/|json|javascript|x-component|xml/.test(mime) || resourceType === "Script" || resourceType === "Stylesheet";

// Set by the browser or the request client itself when a request is made again.
const NOT_REPLAYED = new Set([
  "host",
  "content-length",
  "connection",
  "cookie",
  "accept-encoding",
  "keep-alive",
  "transfer-encoding",
]);

/**
 * Reads every same-origin response body the page receives through its own CDP session: streamed as it arrives
 * (Network.streamResourceContent), so RSC payloads, server-action responses and pages left by a navigation are
 * read too; what the browser dropped anyway is requested again with the same method, headers, body and cookies.
 * Console lines and page errors are kept as well. A check over these bodies fails while any same-origin HTML,
 * RSC, server-action or JSON body could not be read.
 */
export class ResponseRecorder {
  readonly bodies: RecordedBody[] = [];
  readonly unreadable: { url: string; method: string; kind: BodyKind; reason: string }[] = [];
  /** Requests that ended before any response (prefetches cut short by a navigation): no body reached the page. */
  readonly cancelled: string[] = [];
  private flights = new Map<string, Flight>();
  private extraHeaders = new Map<string, Record<string, string>>();
  private pending = 0;
  private origin: string;
  private mainFrame = "";
  /** The main frame's current document: requests of an earlier one may never report their end. */
  private document = "";

  private constructor(
    private page: Page,
    private cdp: CDPSession,
    baseURL: string,
  ) {
    this.origin = new URL(baseURL).origin;
  }

  static async attach(page: Page, baseURL: string): Promise<ResponseRecorder> {
    const cdp = await page.context().newCDPSession(page);
    const recorder = new ResponseRecorder(page, cdp, baseURL);
    recorder.listen();
    recorder.mainFrame = (await cdp.send("Page.getFrameTree")).frameTree.frame.id;
    await cdp.send("Network.enable", {
      maxTotalBufferSize: 256 * 1024 * 1024,
      maxResourceBufferSize: 64 * 1024 * 1024,
      maxPostDataSize: 16 * 1024 * 1024,
    });
    return recorder;
  }

  private listen() {
    const { page, cdp } = this;
    page.on(
      "console",
      (m) =>
        void this.bodies.push({
          url: `console:${m.type()}`,
          method: "",
          kind: "console",
          via: "console",
          body: m.text(),
        }),
    );
    page.on(
      "pageerror",
      (e) => void this.bodies.push({ url: "pageerror", method: "", kind: "console", via: "console", body: String(e) }),
    );

    cdp.on("Network.requestWillBeSent", (e) => {
      // A redirect reuses the request id: its next hop replaces the one before (which had no body), or ends it off-origin.
      if (new URL(e.request.url).origin !== this.origin) return void this.flights.delete(e.requestId);
      const extra = this.extraHeaders.get(e.requestId) ?? {};
      this.extraHeaders.delete(e.requestId);
      const entries = e.request.postDataEntries?.map((p) => Buffer.from(p.bytes ?? "", "base64"));
      this.flights.set(e.requestId, {
        url: e.request.url,
        loaderId: e.loaderId,
        method: e.request.method,
        headers: { ...lower(e.request.headers), ...extra },
        postData: entries?.length
          ? Buffer.concat(entries)
          : e.request.postData !== undefined
            ? Buffer.from(e.request.postData)
            : undefined,
        resourceType: e.type,
        chunks: [],
        received: 0,
        responded: false,
        text: false,
      });
      if (e.request.hasPostData && !entries?.length && e.request.postData === undefined) {
        this.track(
          cdp.send("Network.getRequestPostData", { requestId: e.requestId }).then(
            (r) => {
              const flight = this.flights.get(e.requestId);
              if (flight) flight.postData = Buffer.from(r.postData, r.base64Encoded ? "base64" : "utf8");
            },
            () => undefined,
          ),
        );
      }
    });
    cdp.on("Network.requestWillBeSentExtraInfo", (e) => {
      const headers = lower(e.headers);
      const flight = this.flights.get(e.requestId);
      if (flight) Object.assign(flight.headers, headers);
      else this.extraHeaders.set(e.requestId, headers);
    });
    cdp.on("Network.responseReceived", (e) => {
      const flight = this.flights.get(e.requestId);
      if (!flight) return;
      flight.responded = true;
      flight.status = e.response.status;
      if (e.type === "Document" && e.frameId === this.mainFrame) this.document = e.loaderId;
      flight.kind = kindOf(flight.method, flight.headers, flight.resourceType, e.response.mimeType);
      flight.text = isText(e.response.mimeType, flight.resourceType);
      if (!flight.text) return;
      // From here on each Network.dataReceived carries its bytes; what came before is in bufferedData.
      flight.streaming = cdp.send("Network.streamResourceContent", { requestId: e.requestId }).then(
        (r) => (flight.chunks.unshift(Buffer.from(r.bufferedData, "base64")), true),
        () => false,
      );
    });
    cdp.on("Network.dataReceived", (e) => {
      const flight = this.flights.get(e.requestId);
      if (!flight) return;
      flight.received += e.dataLength;
      if (e.data) flight.chunks.push(Buffer.from(e.data, "base64"));
    });
    cdp.on("Network.loadingFinished", (e) => {
      const flight = this.flights.get(e.requestId);
      if (flight) this.track(this.finish(e.requestId, flight));
    });
    cdp.on("Network.loadingFailed", (e) => {
      const flight = this.flights.get(e.requestId);
      if (!flight) return;
      flight.failure = e.errorText;
      this.track(this.finish(e.requestId, flight));
    });
  }

  private track(p: Promise<unknown>) {
    this.pending++;
    void p.finally(() => this.pending--);
  }

  private async finish(requestId: string, flight: Flight) {
    this.flights.delete(requestId);
    try {
      if (flight.status !== undefined && flight.status >= 300 && flight.status < 400) return; // a redirect has no body
      if (!flight.responded) {
        // Cancelled before any response: nothing of it reached the page.
        this.cancelled.push(`${flight.method} ${flight.url} (${flight.failure})`);
        return;
      }
      if (!flight.text) return; // images and fonts
      // Streamed in full: every byte the page received, also when it stopped reading early. The stream is
      // preferred to getResponseBody, which decodes an RSC payload without a charset as Latin-1.
      const bytes = (await flight.streaming) ? Buffer.concat(flight.chunks) : Buffer.alloc(0);
      if (bytes.length > 0 && bytes.length >= flight.received)
        return this.keep(flight, "stream", bytes.toString("utf8"));
      // Not streamed, or served from the cache (no data events): the browser's own copy.
      const read = await this.cdp.send("Network.getResponseBody", { requestId }).catch(() => undefined);
      if (read)
        return this.keep(
          flight,
          "buffer",
          read.base64Encoded ? Buffer.from(read.body, "base64").toString("utf8") : read.body,
        );
      // The page had this body but the browser no longer holds it: ask for it again.
      await this.replay(flight);
    } catch (error) {
      this.unreadable.push({
        url: flight.url,
        method: flight.method,
        kind: flight.kind ?? "other",
        reason: String(error).split("\n")[0],
      });
    }
  }

  private keep(flight: Flight, via: Via, body: string, kind = flight.kind ?? "other") {
    this.bodies.push({ url: flight.url, method: flight.method, kind, via, body });
  }

  private async replay(flight: Flight) {
    const headers = Object.fromEntries(
      Object.entries(flight.headers).filter(([k]) => !NOT_REPLAYED.has(k) && !k.startsWith(":")),
    );
    try {
      const response = await this.page.request.fetch(flight.url, {
        method: flight.method,
        headers,
        data: flight.postData,
        maxRedirects: 0,
        failOnStatusCode: false,
        timeout: 30_000,
      });
      const kind = kindOf(
        flight.method,
        flight.headers,
        flight.resourceType,
        (response.headers()["content-type"] ?? "").split(";")[0].trim(),
      );
      if (response.status() >= 300 && response.status() < 400) return;
      this.bodies.push({
        url: flight.url,
        method: flight.method,
        kind,
        via: "replay",
        body: await response.text(),
        why: flight.failure ?? "body no longer held by the browser",
      });
    } catch (error) {
      const kind = flight.kind ?? kindOf(flight.method, flight.headers, flight.resourceType, "");
      this.unreadable.push({
        url: flight.url,
        method: flight.method,
        kind,
        reason: `${flight.failure ?? "no body"}; asked again: ${String(error).split("\n")[0]}`,
      });
    }
  }

  /** Waits until every request seen so far has ended and its body is read (or known unreadable). */
  async settle(timeout = 15_000) {
    const deadline = Date.now() + timeout;
    while (this.flights.size || this.pending) {
      if (Date.now() > deadline) break;
      // A request of a document the page has left may never report its end: it counts as dropped.
      for (const [id, f] of this.flights) {
        if (this.document && f.loaderId !== this.document && f.resourceType !== "Document") {
          f.failure ??= "left by a navigation";
          this.track(this.finish(id, f));
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const f of this.flights.values()) {
      this.unreadable.push({
        url: f.url,
        method: f.method,
        kind: f.kind ?? kindOf(f.method, f.headers, f.resourceType, ""),
        reason: "still loading",
      });
    }
    this.flights.clear();
  }

  /** Bodies read so far, per kind and per way of reading, and what could not be read. */
  async summary() {
    await this.settle();
    const count: Record<string, Record<string, number>> = {};
    for (const b of this.bodies) {
      count[b.kind] ??= {};
      count[b.kind][b.via] = (count[b.kind][b.via] ?? 0) + 1;
    }
    const replayed = this.bodies
      .filter((b) => b.via === "replay")
      .map((b) => `${b.kind} ${b.method} ${b.url} (${b.why})`);
    return { read: count, unreadable: this.unreadable, replayed, cancelledBeforeResponse: this.cancelled.length };
  }

  /** Where `needle` appears: every same-origin page, payload and response of the page, and its console. Fails while any could not be read. */
  async containing(needle: string) {
    await this.settle();
    this.expectComplete();
    return this.bodies.filter((b) => b.body.includes(needle)).map((b) => `${b.kind} ${b.method} ${b.url}`.trim());
  }

  /** Every same-origin HTML page, RSC payload, server-action response and JSON body was read. */
  expectComplete() {
    const missed = this.unreadable.filter((u) => (CHECKED_KINDS as readonly string[]).includes(u.kind));
    expect(missed, "same-origin bodies that could not be checked").toEqual([]);
  }

  /**
   * The positive control: for each kind given, at least one body that carries real data (e.g. a secret's key),
   * so that "no canary" over these bodies means something. Specs whose page makes all four kinds give all four.
   */
  async expectRead(rows: Partial<Record<(typeof CHECKED_KINDS)[number], string | RegExp>>) {
    await this.settle();
    for (const kind of CHECKED_KINDS) {
      const needle = rows[kind];
      if (needle === undefined) continue;
      const hits = this.bodies.filter(
        (b) => b.kind === kind && (typeof needle === "string" ? b.body.includes(needle) : needle.test(b.body)),
      );
      expect(
        hits.length,
        `${kind} bodies containing ${needle} (read ${this.bodies.filter((b) => b.kind === kind).length} ${kind} bodies)`,
      ).toBeGreaterThan(0);
    }
  }

  /** Puts the counts in the test's report (JSON reporter attachment and one line on stdout). */
  async report(testInfo: TestInfo) {
    const s = await this.summary();
    await testInfo.attach("response-recorder", { body: JSON.stringify(s, null, 2), contentType: "application/json" });
    const line = Object.entries(s.read)
      .map(
        ([kind, vias]) =>
          `${kind} ${Object.entries(vias)
            .map(([v, n]) => `${n} ${v}`)
            .join("+")}`,
      )
      .join(", ");
    console.log(
      `[recorder] ${testInfo.title}: ${line}; unreadable ${s.unreadable.length}; cancelled before a response ${s.cancelledBeforeResponse}`,
    );
    for (const u of s.unreadable) console.log(`[recorder]   unreadable ${u.kind} ${u.method} ${u.url}: ${u.reason}`);
    await this.cdp.detach().catch(() => undefined);
  }
}
