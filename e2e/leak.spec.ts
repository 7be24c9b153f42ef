import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startEmulators } from "../tests/support/emulators";
import { createNamespace, createTenant, expect, saveManagerForm, test } from "./fixtures";

// Values and credentials are canaries: browse every page and dialog, and none may reach the browser.
const VALUE = "CANARY-leak-value-0d1e";
const JSON_VALUE = JSON.stringify({ TOKEN: "CANARY-leak-json-2f3a" });
const BUILTIN_VALUE = "CANARY-leak-builtin-4b5c";

test.beforeAll(() => {
  startEmulators(["aws"]);
});

test("no secret value or credential appears in any page, payload, response or console message", async ({
  page,
  recorder,
}) => {
  test.setTimeout(120_000);
  const env = (n: string) => process.env[n]!;
  const aws = new SecretsManagerClient({
    endpoint: env("KEYHOLD_AWS_ENDPOINT"),
    region: env("KEYHOLD_AWS_REGION"),
    credentials: {
      accessKeyId: env("KEYHOLD_AWS_ACCESS_KEY_ID"),
      secretAccessKey: env("KEYHOLD_AWS_SECRET_ACCESS_KEY"),
    },
  });
  const tags = (key: string) => [
    { Key: "namespace", Value: "ops" },
    { Key: "key", Value: key },
    { Key: "prefix", Value: "leaktest" },
  ];
  await aws.send(new CreateSecretCommand({ Name: `leak/${Date.now()}/a`, SecretString: VALUE, Tags: tags("PLAIN") }));
  await aws.send(
    new CreateSecretCommand({ Name: `leak/${Date.now()}/b`, SecretString: JSON_VALUE, Tags: tags("JSON") }),
  );

  await createTenant(page, "leak");
  await createNamespace(page, "leak", "ops.inner");
  await createNamespace(page, "leak", "builtin");
  await page.goto("/tenants/leak/namespaces/builtin/secrets");
  await page.getByRole("button", { name: "Create New Secret" }).click();
  await page.getByRole("dialog").getByLabel(/^Key/).fill("BUILTIN");
  await page
    .getByRole("dialog")
    .getByLabel(/^Value/)
    .fill(BUILTIN_VALUE);
  await page.getByRole("dialog").getByRole("button", { name: "Create secret" }).click();
  await expect(page.locator('tr[data-secret-key="BUILTIN"]')).toBeVisible();

  await page.goto("/tenants/leak/namespaces/ops/edit");
  await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
  await page.getByRole("switch", { name: "Read-only" }).click();
  await page.getByLabel("Region").fill(env("KEYHOLD_AWS_REGION"));
  await page.getByLabel("Endpoint override").fill(env("KEYHOLD_AWS_ENDPOINT"));
  await page.getByLabel("Access key id").fill(env("KEYHOLD_AWS_ACCESS_KEY_ID"));
  // moto does not check signatures by default, so the stored credential can itself be a canary.
  await page.getByLabel("Secret access key").fill("CANARY-leak-aws-secret-key");
  await page.getByLabel("Prefix", { exact: true }).fill("leaktest");
  await saveManagerForm(page);
  await page.getByRole("button", { name: "Verify connection" }).click();
  await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");

  for (const url of [
    "/",
    "/tenants/leak",
    "/tenants/leak/secrets",
    "/tenants/leak/settings",
    "/tenants/leak/namespaces/ops",
    "/tenants/leak/namespaces/ops/edit",
    "/tenants/leak/namespaces/ops/secrets",
    "/tenants/leak/namespaces/ops.inner/secrets",
    "/tenants/leak/namespaces/builtin/secrets",
  ]) {
    await page.goto(url);
    await page.waitForLoadState("networkidle");
  }
  // Reached through the tab, so the rows also come as an RSC payload, not only in a page's HTML.
  await page.goto("/tenants/leak/namespaces/ops");
  await page.getByRole("navigation", { name: "Namespace sections" }).getByRole("link", { name: "Secrets" }).click();
  // AWS lists without reading values: the subkeys come from the one read "Show subkeys" asks for (names only).
  const json = page.locator('tr[data-secret-key="JSON"]');
  await json.getByRole("button", { name: "Show subkeys of JSON" }).click();
  await expect(json.getByTestId("subkeys")).toHaveText("TOKEN");
  const expression = page.getByRole("textbox", { name: "Check an expression" });
  for (const e of [
    "{{ secret('PLAIN') }}",
    "{{ secret('JSON', subkey='TOKEN') }}",
    "{{ secret('BUILTIN', namespace='builtin') }}",
    "{{ secret('JSON', subkey='NOPE') }}",
  ]) {
    await expression.fill(e);
    await page.getByRole("button", { name: "Check" }).click();
    await expect(page.getByTestId("expression-result")).not.toBeEmpty();
  }
  await expect(page.getByTestId("expression-result")).toHaveText("Cannot find secret sub-key 'NOPE' in secret 'JSON'.");
  await page.getByRole("button", { name: "Verify connection" }).click();
  await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");

  await page.goto("/tenants/leak/namespaces/builtin/secrets");
  await page.getByRole("button", { name: "Edit BUILTIN" }).click();
  await expect(page.getByRole("dialog", { name: "Edit BUILTIN" })).toBeVisible();
  await page.getByRole("switch", { name: "Replace value" }).click();
  await expect(page.getByRole("dialog").getByLabel(/^Value/)).toHaveValue("");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Delete BUILTIN" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await page.waitForLoadState("networkidle");

  // Every kind of body was read with real rows in it, so finding no canary below means something.
  await recorder.expectRead({
    html: 'data-secret-key="PLAIN"',
    rsc: '"key":"PLAIN"',
    action: '"data":{"key":"BUILTIN"}',
    json: '"rows":[{"key":"BUILTIN"',
  });
  for (const canary of ["CANARY-leak-value", "CANARY-leak-json", "CANARY-leak-aws-secret-key"]) {
    expect(await recorder.containing(canary), `pages, payloads or console lines containing ${canary}`).toEqual([]);
  }
  // The builtin value was typed into the create form: it goes up once, and never comes back down.
  expect(await recorder.containing(BUILTIN_VALUE)).toEqual([]);
});
