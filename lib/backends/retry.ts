import "server-only";
import { BackendError, scrubMessage } from "./backend-error";

/**
 * Rides out a backend's throttling (HTTP 429, AWS ThrottlingException, gRPC RESOURCE_EXHAUSTED) inside one call's
 * time budget: exponential backoff with full jitter, or the backend's Retry-After (capped) when it gives one. Every
 * backend uses this one helper; the SDKs' own retries stay at one attempt more at most, so the budget is ours.
 */
export interface ThrottlePolicy {
  /** First backoff ceiling; the n-th retry waits a random time in [0, min(capMs, baseMs·2ⁿ)). */
  baseMs: number;
  capMs: number;
  /** A longer Retry-After is cut to this (within the budget, the next attempt still has to fit). */
  retryAfterCapMs: number;
}

/** A jittered wait is cut to the time left when at least this much is left. */
const LAST_TRY_MIN_MS = 100;

export const THROTTLE_POLICY: ThrottlePolicy = { baseMs: 100, capMs: 2_000, retryAfterCapMs: 5_000 };

export interface ThrottleOptions {
  /** The call's time budget in milliseconds: no retry starts that could not finish inside it. */
  budgetMs: number;
  isThrottled: (error: unknown) => boolean;
  /** Stops the waits when the call's deadline fires. */
  signal?: AbortSignal;
  policy?: ThrottlePolicy;
  random?: () => number;
}

type Headerish = { get?: (name: string) => string | null | undefined } & Record<string, unknown>;

function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== "object") return null;
  const h = headers as Headerish;
  if (typeof h.get === "function") {
    const v = h.get(name);
    if (typeof v === "string") return v;
  }
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name && v != null) return String(v);
  return null;
}

/** Retry-After as milliseconds: seconds or an HTTP date (RFC 9110), null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value == null || value.trim() === "") return null;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1_000 : null;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/**
 * The wait a throttled answer asks for, from whichever shape the SDK left it in: an HTTP Retry-After header (AWS
 * `$response`, Azure `RestError.response`, node-vault's `response`) or gRPC's google.rpc.RetryInfo detail.
 */
export function retryAfterOf(error: unknown): number | null {
  const e = error as {
    $response?: { headers?: unknown };
    response?: { headers?: unknown };
    statusDetails?: { retryDelay?: { seconds?: number | string; nanos?: number } }[];
    metadata?: { get?: (k: string) => unknown[] };
  } | null;
  if (!e || typeof e !== "object") return null;
  for (const headers of [e.$response?.headers, e.response?.headers]) {
    const v = header(headers, "retry-after");
    const ms = parseRetryAfter(v);
    if (ms !== null) return ms;
  }
  const info = e.statusDetails?.find((d) => d && typeof d === "object" && d.retryDelay);
  if (info?.retryDelay) return Number(info.retryDelay.seconds ?? 0) * 1_000 + (info.retryDelay.nanos ?? 0) / 1e6;
  const fromMetadata = e.metadata?.get?.("retry-after")?.[0];
  return fromMetadata != null ? parseRetryAfter(String(fromMetadata)) : null;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", stop, { once: true });
  });

/**
 * How long to wait before attempt `attempt + 1` of a throttled call, or null when no retry fits in the budget: the
 * backend's Retry-After (`asked`, capped) or full jitter; a jittered wait that overshoots is cut to what is left (one
 * last try), a Retry-After is never cut short. No retry starts in the last quarter of the budget (at most 1 s), so
 * that the last attempt has time to answer.
 */
export function nextWait(
  attempt: number,
  asked: number | null,
  deadline: number,
  budgetMs: number,
  policy: ThrottlePolicy = THROTTLE_POLICY,
  random: () => number = Math.random,
): number | null {
  const wait =
    asked !== null
      ? Math.min(asked, policy.retryAfterCapMs)
      : random() * Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  const left = deadline - Math.min(1_000, budgetMs / 4) - Date.now();
  if (wait <= left) return wait;
  return asked === null && left >= LAST_TRY_MIN_MS ? left : null;
}

/** Runs `fn`, retrying it while the backend throttles and the budget allows; then `throttled`, with attempts said. */
export async function retryThrottled<T>(fn: (attempt: number) => Promise<T>, options: ThrottleOptions): Promise<T> {
  const started = Date.now();
  const deadline = started + options.budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!options.isThrottled(error)) throw error;
      const asked = retryAfterOf(error);
      const wait = nextWait(attempt, asked, deadline, options.budgetMs, options.policy, options.random);
      if (wait === null) {
        const text = scrubMessage((error as Error)?.message ?? String(error), [], 160);
        throw new BackendError(
          "throttled",
          `The backend is throttling requests (${attempt} attempt${attempt === 1 ? "" : "s"} in ${Date.now() - started} ms${asked !== null ? `, it asked to wait ${Math.round(asked)} ms` : ""}); try again shortly. Last answer: ${text}`,
        );
      }
      await sleep(wait, options.signal);
    }
  }
}
