/** Plain-language explanations of verify outcomes, shown beside the backend's own message. */
export const VERIFY_EXPLANATIONS: Record<string, string> = {
  ok: "Connected: an authenticated call succeeded.",
  unreachable: "Keyhold could not connect. Check the address and port, DNS, and any firewall or proxy in between.",
  tls: "The TLS handshake failed: the certificate is not trusted or does not match the host. Add the CA certificate or fix the address.",
  unauthenticated: "The backend refused the credentials. Check them, or replace them if they were rotated.",
  forbidden:
    "Refused: either the credentials lack permission to list secrets here (grant list and read access), or the instance's egress policy does not allow this address (the message says which).",
  "not-found": "The engine, project or vault does not exist. Check its name.",
  "invalid-config": "The configuration is incomplete or invalid.",
  timeout: "The backend did not answer in time.",
  throttled: "The backend kept refusing with 'too many requests' after Keyhold's retries; try again shortly.",
  "invalid-response":
    "Something answered that is not the backend's API (an HTML page, a cut-off answer): check the address and any proxy in between.",
  "too-many-secrets": "The backend holds too many secrets for this configuration; narrow it with filters.",
};

export function explainVerify(code: string): string {
  return VERIFY_EXPLANATIONS[code] ?? "The check failed.";
}
