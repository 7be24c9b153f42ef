// ESLint: Next.js's rules (core web vitals, React, React Hooks, jsx-a11y, import) and its TypeScript rules.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import { defineConfig, globalIgnores } from "eslint/config";

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  // Playwright fixtures hand their value to the test through a callback named `use`, which is not React's hook.
  { files: ["e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  // Console links prefetch on intent only (components/ui/link.tsx): Next's own Link would render every page in view.
  {
    files: ["app/**", "components/**"],
    ignores: ["components/ui/link.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "next/link", message: "Use @/components/ui/link (prefetch on intent only)." }] },
      ],
    },
  },
  globalIgnores([
    ".next/**",
    "lib/db/generated/**",
    "node_modules/**",
    "data/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
  ]),
]);
