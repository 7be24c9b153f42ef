import "server-only";
import { nextWait, parseRetryAfter, THROTTLE_POLICY } from "../retry";
import type { SecretClientOptions } from "@azure/keyvault-secrets";

type PipelinePolicy = NonNullable<SecretClientOptions["additionalPolicies"]>[number]["policy"];

/**
 * Key Vault's throttling (429, with or without Retry-After) ridden out request by request, inside the SDK's
 * pipeline: a throttled page of a listing is asked again where it failed, so the listing resumes rather than
 * restarts. Same rules as lib/backends/retry.ts (full jitter, Retry-After capped, within `budgetMs`). When the
 * budget is spent the 429 goes back without its Retry-After, so that the SDK's own retry does not wait past it.
 */
export function throttlePolicy(budgetMs: number, random = Math.random): PipelinePolicy {
  return {
    name: "keyholdThrottlePolicy",
    async sendRequest(request, next) {
      const deadline = Date.now() + budgetMs;
      for (let attempt = 1; ; attempt++) {
        const response = await next(request);
        if (response.status !== 429) return response;
        const asked = parseRetryAfter(response.headers.get("retry-after") ?? null);
        const wait = nextWait(attempt, asked, deadline, budgetMs, THROTTLE_POLICY, random);
        if (wait === null || request.abortSignal?.aborted) {
          response.headers.delete("retry-after");
          response.headers.delete("retry-after-ms");
          response.headers.delete("x-ms-retry-after-ms");
          return response;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, wait);
          function done() {
            clearTimeout(timer);
            request.abortSignal?.removeEventListener("abort", done);
            resolve();
          }
          request.abortSignal?.addEventListener("abort", done, { once: true });
        });
        if (request.abortSignal?.aborted) return response;
      }
    },
  };
}
