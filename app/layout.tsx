import type { Metadata } from "next";
import type { ReactNode } from "react";
import { cookies } from "next/headers";
import { Providers } from "@/components/providers";
import { THEME_COOKIE, themeFromCookie } from "@/components/shell/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Keyhold", template: "%s · Keyhold" },
  description: "Admin console for external secrets managers",
  // Served from public/ (no app/ metadata files): the tab icon as before, and the web app manifest.
  icons: { icon: { url: "/favicon.ico", sizes: "32x32 16x16", type: "image/x-icon" } },
  manifest: "/manifest.webmanifest",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const theme = themeFromCookie((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" className={theme === "dark" ? "dark" : undefined} data-theme={theme} suppressHydrationWarning>
      <body className="min-h-screen">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
