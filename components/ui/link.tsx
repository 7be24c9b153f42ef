"use client";
import NextLink from "next/link";
import { useState, type ComponentProps } from "react";

/**
 * The console's link: Next's `<Link>` prefetching only once the user shows intent (pointer over it, keyboard focus,
 * a touch), as in Next's own "hover-triggered prefetch" pattern (docs: guides/prefetching).
 *
 * Every page of the console is dynamic (it reads the session and the database), so Next's default, which prefetches
 * each link as it enters the viewport, rendered every tab, breadcrumb and menu entry on the server after each page view,
 * and again after the page's data changed: 22 to 28 server renders per view of the Secrets tab, which delayed the next
 * page's own render (issue 10: the Secrets tab's first rows in Chromium). Navigation itself is
 * unchanged: a click still loads the page client-side.
 */
export default function Link({
  onMouseEnter,
  onFocus,
  onTouchStart,
  prefetch,
  ...props
}: ComponentProps<typeof NextLink>) {
  const [intent, setIntent] = useState(false);
  const show = () => setIntent(true);
  return (
    <NextLink
      {...props}
      prefetch={intent ? (prefetch ?? null) : false}
      onMouseEnter={(e) => {
        show();
        onMouseEnter?.(e);
      }}
      onFocus={(e) => {
        show();
        onFocus?.(e);
      }}
      onTouchStart={(e) => {
        show();
        onTouchStart?.(e);
      }}
    />
  );
}
