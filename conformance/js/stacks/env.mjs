// Shared pieces of the stack tests: their inputs from the environment and
// the STS call that shows whose credentials a client got.
import assert from "node:assert/strict";

import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

// need returns the environment variable name, failing loudly when it is
// missing: a test run without its inputs must not pass.
export function need(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(
      `${name} is not set; run the stack tests through "go test ./conformance -run TestJavaScriptStacks"`,
    );
  }
  return v;
}

export const region = need("IDPOOL_REGION");

// Keys for the developer operations of the permissive server, which
// accepts any well-formed signature.
export const devCredentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

// callerArn runs STS GetCallerIdentity at endpoint signed with credentials
// (a provider or a value) and returns the caller's ARN.
export async function callerArn(endpoint, credentials) {
  const sts = new STSClient({ region, endpoint, credentials, maxAttempts: 1 });
  const out = await sts.send(new GetCallerIdentityCommand({}));
  return out.Arn;
}

// checkCredentials asserts the shape of temporary credentials idpool
// issued: an ASIA key, a 40-character secret, a session token and an
// expiration in the future.
export function checkCredentials(creds) {
  assert.match(creds.accessKeyId, /^ASIA[A-Z0-9]{16}$/, "accessKeyId");
  assert.equal(creds.secretAccessKey.length, 40, "secretAccessKey length");
  assert.ok(creds.sessionToken, "sessionToken is empty");
  assert.ok(creds.expiration instanceof Date, `expiration ${creds.expiration} is not a Date`);
  assert.ok(creds.expiration.getTime() > Date.now(), `expiration ${creds.expiration.toISOString()} is past`);
}

// claims returns the decoded payload of a JWT.
export function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url"));
}
