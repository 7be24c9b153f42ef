// Pure and free of zod, so that the browser's capability table does not bundle the schema library.

/** The operations the console needs, in the order verify's capability table shows them. */
export const OPERATIONS = ["authenticate", "list", "describe", "read", "write"] as const;
export type Operation = (typeof OPERATIONS)[number];

export const OPERATION_LABELS: Record<Operation, string> = {
  authenticate: "Authenticate",
  list: "List metadata",
  describe: "Describe one secret",
  read: "Read a value",
  write: "Write",
};
