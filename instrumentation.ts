// Next.js calls register() once per server process before serving requests.
export async function register() {
  // Not in lib/env.ts: Next.js inlines NEXT_RUNTIME at build time, which keeps the server start out of the edge bundle.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { boot } = await import("./lib/startup");
  await boot();
}
