import "server-only";
import { z } from "zod";
import { listInstanceAdmins } from "../users/instance-admins";
import type { GuardSpec } from "../server/guard";

const input = z.object({});

export const instanceAdminsView = {
  name: "view.instance-admins",
  permission: "instance:manage",
  input,
  run: async ({ prisma, session }) => ({ admins: await listInstanceAdmins(prisma), me: session.userId }),
} satisfies GuardSpec<typeof input, unknown>;
