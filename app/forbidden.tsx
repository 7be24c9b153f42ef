import Link from "@/components/ui/link";
import { ShieldX } from "lucide-react";

export default function Forbidden() {
  return (
    <main id="main" className="mx-auto max-w-lg p-10 text-center" data-testid="forbidden">
      <ShieldX className="mx-auto size-10 text-red-500" aria-hidden />
      <h1 className="mt-4 text-xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">Your role does not give you access to this page.</p>
      <Link href="/" className="mt-6 inline-block text-sm text-indigo-600 underline">
        Back to your tenants
      </Link>
    </main>
  );
}
