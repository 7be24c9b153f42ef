import type { ReactNode } from "react";
import { KeyRound } from "lucide-react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm space-y-6">
        <p className="flex items-center justify-center gap-2 text-lg font-semibold tracking-tight">
          <span className="inline-flex size-8 items-center justify-center rounded-md bg-indigo-600 text-white">
            <KeyRound className="size-4" aria-hidden />
          </span>
          Keyhold
        </p>
        {children}
      </div>
    </main>
  );
}
