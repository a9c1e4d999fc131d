// The README's JavaScript snippet of developer-authenticated identities,
// run as written but for the endpoint, the region and the two values the
// backend hands the client, so that the documented exchange cannot drift
// from what idpool answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import { need } from "./env.mjs";

const endpoint = need("IDPOOL_ENDPOINT");
const region = need("IDPOOL_REGION");
const devIdentityId = need("IDPOOL_JS_DEV_IDENTITY_ID");
const devToken = need("IDPOOL_JS_DEV_TOKEN");

// snippet returns the first js block of the README section titled title.
async function snippet(title) {
  const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.split(`\n## ${title}\n`)[1]?.split("\n## ")[0];
  assert.ok(section, `README has no section "${title}"`);
  const block = section.match(/^ *```js\n([\s\S]*?)^ *```/m);
  assert.ok(block, `README section "${title}" has no js block`);
  return block[1];
}

test("README: the developer-authenticated identities snippet gets credentials", async () => {
  let code = await snippet("Developer-authenticated identities");
  for (const [from, to] of [
    ['"http://localhost:9230"', JSON.stringify(endpoint)],
    ['"us-east-1"', JSON.stringify(region)],
    // A data: module resolves no bare specifier: name the package's file.
    ['"@aws-sdk/credential-providers"', JSON.stringify(import.meta.resolve("@aws-sdk/credential-providers"))],
  ]) {
    assert.ok(code.includes(from), `the snippet no longer holds ${from}`);
    code = code.replaceAll(from, to);
  }
  code = `const identityId = ${JSON.stringify(devIdentityId)};\nconst token = ${JSON.stringify(devToken)};\n${code}\nexport default credentials;\n`;
  const { default: credentials } = await import(`data:text/javascript,${encodeURIComponent(code)}`);
  const creds = await credentials();
  assert.match(creds.accessKeyId, /^ASIA[A-Z0-9]{16}$/, "accessKeyId");
  assert.equal(creds.identityId, devIdentityId);
});
