/** Dotted paths whose values differ between two settings objects (for audit entries; values are not recorded). */
export function diffSettings(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ""): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: string[] = [];
  for (const key of [...keys].sort()) {
    const a = before?.[key];
    const b = after?.[key];
    const path = prefix ? `${prefix}.${key}` : key;
    const isObj = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v);
    if (isObj(a) && isObj(b))
      out.push(...diffSettings(a as Record<string, unknown>, b as Record<string, unknown>, path));
    else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path);
  }
  return out;
}
