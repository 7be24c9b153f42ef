import "server-only";
import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import path from "node:path";
import { BackendError } from "../backends/backend-error";
import { serverEnv } from "../env";
import type { EgressPolicy } from "./egress";

/**
 * The file half of the egress policy. A token file path makes the server read one of its own files and send
 * the content to a destination the tenant chose, so dedicated managers may name only files under the
 * directories the instance lists (KEYHOLD_TOKEN_FILE_DIRS, `{tenant}` standing for the tenant's id); the
 * configuration file's backend is the operator's own and may name any absolute path.
 */

/** A token is a JWT or an opaque token: a file larger than this is not one. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

export const TOKEN_FILE_SENTENCE = "This token file is not in a directory the instance allows for token files";

/** The allowed directories of a tenant: KEYHOLD_TOKEN_FILE_DIRS entries, `{tenant}` replaced, bad entries dropped. */
export function tokenFileDirs(raw: string | undefined, tenant: string | null): string[] {
  return (raw ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e && (tenant !== null || !e.includes("{tenant}")))
    .map((e) => e.split("{tenant}").join(tenant ?? ""))
    .filter((e) => path.posix.isAbsolute(e) && !e.split("/").some((s) => s === "." || s === ".."))
    .map((e) => path.posix.normalize(e).replace(/\/+$/, "") || "/");
}

/** Why a path is not a plain absolute file path (pure): relative, `.`/`..` segments, doubled slashes, control characters. */
export function tokenFilePathProblem(file: string): string | null {
  if (!path.posix.isAbsolute(file)) return "Give an absolute path (starting with /)";
  if (/[\u0000-\u001f\u007f]/.test(file)) return "The path contains control characters";
  if (path.posix.normalize(file) !== file || file.endsWith("/"))
    return "Write the path without '.', '..', doubled or trailing slashes";
  return null;
}

/** Whether a (plain, absolute) path lies strictly inside one of the directories (pure). */
export function insideDirs(file: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => file.startsWith(d === "/" ? "/" : `${d}/`) && file !== d);
}

/** Why a dedicated manager may not name this token file, or null (pure: nothing is read). */
export function tokenFileRefusal(file: string, dirs: readonly string[]): string | null {
  const problem = tokenFilePathProblem(file);
  if (problem) return problem;
  if (!dirs.length)
    return "This instance allows no token files for dedicated managers (KEYHOLD_TOKEN_FILE_DIRS is not set)";
  if (!insideDirs(file, dirs)) return `${TOKEN_FILE_SENTENCE} (KEYHOLD_TOKEN_FILE_DIRS)`;
  return null;
}

/** Who reads a token file: trusted (the configuration file's backend), or a tenant's dedicated manager. */
export interface TokenFileReader {
  egress?: EgressPolicy;
  attachment: { tenant: string | null };
}

/** The directories that apply to a reader; null: trusted, any absolute path. */
export function dirsFor(reader: TokenFileReader): string[] | null {
  return reader.egress ? tokenFileDirs(serverEnv().KEYHOLD_TOKEN_FILE_DIRS, reader.attachment.tenant) : null;
}

async function realDirs(dirs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of dirs) {
    try {
      out.push(await realpath(d));
    } catch {
      // A listed directory that does not exist allows nothing.
    }
  }
  return out;
}

/**
 * Reads a token file afresh (projected tokens rotate): checked against the reader's directories by its path
 * and again by its real path, so a symbolic link cannot lead out of them. The path is never repeated in
 * messages: it is a credential setting.
 */
export async function readTokenFile(file: string, reader: TokenFileReader, what = "token file"): Promise<string> {
  const dirs = dirsFor(reader);
  const problem = dirs ? tokenFileRefusal(file, dirs) : tokenFilePathProblem(file);
  if (problem)
    throw new BackendError(
      dirs && !tokenFilePathProblem(file) ? "forbidden" : "invalid-config",
      `The ${what}: ${problem}.`,
    );
  const unreadable = () =>
    new BackendError("invalid-config", `The ${what} does not exist or cannot be read by the server.`);
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    throw unreadable();
  }
  if (dirs && !insideDirs(real, await realDirs(dirs)))
    throw new BackendError("forbidden", `The ${what}: ${TOKEN_FILE_SENTENCE} (it leads outside them).`);
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    throw unreadable();
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new BackendError("invalid-config", `The ${what} is not a regular file.`);
    if (stat.size > MAX_TOKEN_FILE_BYTES)
      throw new BackendError(
        "invalid-config",
        `The ${what} is larger than ${MAX_TOKEN_FILE_BYTES / 1024} KiB: not a token.`,
      );
    const buffer = Buffer.alloc(MAX_TOKEN_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const token = buffer.subarray(0, Math.min(bytesRead, MAX_TOKEN_FILE_BYTES)).toString("utf8").trim();
    if (!token) throw new BackendError("invalid-config", `The ${what} is empty.`);
    return token;
  } finally {
    await handle.close();
  }
}
