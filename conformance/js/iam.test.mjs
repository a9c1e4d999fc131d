// Conformance of idpool's IAM with the AWS SDK for JavaScript v3 (the
// query protocol as the CLI-like clients send it): a role made through IAM
// gets IAM's ids and errors, and its trust policy is what STS evaluates.
//
// conformance/js_test.go runs this file with `node --test`; run it through Go:
//
//	go test ./conformance -run TestJavaScriptSDK
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  CognitoIdentityClient,
  GetIdCommand,
  GetOpenIdTokenCommand,
} from "@aws-sdk/client-cognito-identity";
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  IAMClient,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";

import { need } from "./env.mjs";

const endpoint = need("IDPOOL_ENDPOINT");
const region = need("IDPOOL_REGION");
const poolId = need("IDPOOL_JS_POOL_ID");

// The developer's own keys: permissive mode accepts them as the account.
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const iam = new IAMClient({ region, endpoint, credentials, maxAttempts: 1 });

// authenticatedOnly trusts Cognito sessions of the pool whose amr says
// authenticated.
const authenticatedOnly = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{
    Effect: "Allow",
    Principal: { Federated: "cognito-identity.amazonaws.com" },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: { "cognito-identity.amazonaws.com:aud": poolId },
      "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
    },
  }],
});

// rejects asserts that promise fails with an instance of type and the HTTP
// status.
async function rejects(promise, type, status) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof type, `got ${err.name}, want ${type.name}`);
    assert.equal(err.$metadata.httpStatusCode, status);
    return true;
  });
}

test("a role made through IAM: ids, document and errors", async () => {
  const name = `JsRole${Date.now()}`;
  const out = await iam.send(new CreateRoleCommand({ RoleName: name, Path: "/js/", AssumeRolePolicyDocument: authenticatedOnly }));
  assert.match(out.Role.Arn, new RegExp(`^arn:aws:iam::\\d{12}:role/js/${name}$`));
  assert.match(out.Role.RoleId, /^AROA[A-Z0-9]{17}$/);

  const got = await iam.send(new GetRoleCommand({ RoleName: name.toLowerCase() }));
  assert.equal(decodeURIComponent(got.Role.AssumeRolePolicyDocument), authenticatedOnly);

  await rejects(iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: authenticatedOnly })), EntityAlreadyExistsException, 409);
  await rejects(iam.send(new GetRoleCommand({ RoleName: `${name}Missing` })), NoSuchEntityException, 404);
  await rejects(iam.send(new CreateRoleCommand({ RoleName: `${name}Bad`, AssumeRolePolicyDocument: "{" })), MalformedPolicyDocumentException, 400);

  // The trust policy refuses a guest's token, as AWS STS does.
  const identity = new CognitoIdentityClient({ region, endpoint, maxAttempts: 1 });
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: poolId }));
  const { Token } = await identity.send(new GetOpenIdTokenCommand({ IdentityId }));
  const sts = new STSClient({ region, endpoint, maxAttempts: 1 });
  await assert.rejects(
    sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: out.Role.Arn, RoleSessionName: "guest", WebIdentityToken: Token })),
    (err) => err.name === "AccessDenied" && err.$metadata.httpStatusCode === 403,
  );

  await iam.send(new DeleteRoleCommand({ RoleName: name }));
  await rejects(iam.send(new GetRoleCommand({ RoleName: name })), NoSuchEntityException, 404);
});
