"use client";
import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";

type SwaggerUI = (options: Record<string, unknown>) => unknown;

/** Loads Swagger UI's bundle and stylesheet from this origin (app/swagger-ui) and renders the OpenAPI document. */
export function ApiReference() {
  const target = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const css = Object.assign(document.createElement("link"), {
      rel: "stylesheet",
      href: "/swagger-ui/swagger-ui.css",
    });
    document.head.appendChild(css);
    const script = Object.assign(document.createElement("script"), { src: "/swagger-ui/swagger-ui-bundle.js" });
    script.onload = () => {
      const ui = (window as unknown as { SwaggerUIBundle?: SwaggerUI }).SwaggerUIBundle;
      if (!ui || !target.current) return setFailed(true);
      ui({ url: "/api/v1/openapi.json", domNode: target.current, deepLinking: true, tryItOutEnabled: false });
    };
    script.onerror = () => setFailed(true);
    document.body.appendChild(script);
    return () => {
      css.remove();
      script.remove();
    };
  }, []);
  return (
    <>
      {failed ? <Alert tone="error">The API reference could not be loaded.</Alert> : null}
      <div ref={target} data-testid="api-reference" className="rounded-md bg-white text-zinc-900" />
    </>
  );
}
