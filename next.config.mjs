// Build configuration: it keeps its own process.env reads (NODE_ENV, KEYHOLD_PUBLIC_URL); the server's variables are in lib/env.ts.
const production = process.env.NODE_ENV === "production";

// Next.js inlines its bootstrap scripts, so script-src needs 'unsafe-inline' (nonces would make every page
// dynamic through a proxy); 'unsafe-eval' is only for the development server's hot reload.
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${production ? "" : " 'unsafe-eval'"}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${production ? "" : " ws:"}`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WebAssembly and data files from its package folder; pg, the Prisma adapters and argon2's native binding stay external too.
  // The Google client loads protos and gRPC at run time; bundling @grpc/grpc-js breaks it. proper-lockfile (PGlite's
  // folder lock) releases its locks from a process exit hook (signal-exit): one copy of it, loaded by Node.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "pg",
    "@prisma/adapter-pg",
    "@node-rs/argon2",
    "@google-cloud/secret-manager",
    "google-gax",
    "@grpc/grpc-js",
    "node-vault",
    "proper-lockfile",
  ],
  poweredByHeader: false,
  // The build checks what it ships (app, components, lib); `npm run typecheck` (tsconfig.json) covers tests, e2e and scripts too.
  typescript: { tsconfigPath: "tsconfig.next.json" },
  typedRoutes: false,
  // forbidden() renders app/forbidden.tsx with status 403 when the guard refuses a page.
  experimental: { authInterrupts: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: csp },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
        ],
      },
      {
        // HSTS only means something over HTTPS: sent when KEYHOLD_PUBLIC_URL is https or a TLS proxy says so.
        source: "/:path*",
        ...(process.env.KEYHOLD_PUBLIC_URL?.startsWith("https://")
          ? {}
          : { has: [{ type: "header", key: "x-forwarded-proto", value: "https" }] }),
        headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }],
      },
      {
        // Authenticated pages and API answers must not be stored by browsers or proxies; hashed static assets may.
        source: "/((?!_next/static|_next/image|favicon.ico).*)",
        headers: [{ key: "Cache-Control", value: "no-store" }],
      },
    ];
  },
};

export default nextConfig;
