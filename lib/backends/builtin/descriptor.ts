/**
 * The builtin store: secrets encrypted in Keyhold's own database. It has no configuration section, no
 * credentials and no database type value (it is what serves a namespace without a manager), so it is
 * not in the registry; only its name is shared.
 */
export const builtinDescriptor = {
  id: "builtin",
  label: "Builtin store",
  // Subkeys are keys of a JSON value, encrypted like the rest of it: decrypted only when someone asks for one row.
  subkeys: "on-demand",
} as const;
