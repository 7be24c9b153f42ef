/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WebAssembly and data files from its package folder; pg and the Prisma adapters stay external too.
  // The Google client loads protos and gRPC at run time; bundling @grpc/grpc-js breaks it.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg", "@google-cloud/secret-manager", "google-gax", "@grpc/grpc-js", "node-vault"],
  poweredByHeader: false,
  // Tests and scripts are type-checked by `npm run typecheck`; the build checks what it ships.
  typescript: { tsconfigPath: "tsconfig.next.json" },
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
    ];
  },
};

export default nextConfig;
