// Conformance of idpool with the AWS SDK for JavaScript v3: the credential
// flow every browser and Node.js app runs against an identity pool.
//
// conformance/js_test.go creates the pool, roles and identities with the Go
// SDK and runs this file with `node --test`, passing what it made through
// the environment (see `need` below). Run it through Go:
//
//	go test ./conformance -run TestJavaScriptSDK
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  CognitoIdentityClient,
  GetIdCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-cognito-identity";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
  fromCognitoIdentity,
  fromCognitoIdentityPool,
} from "@aws-sdk/credential-providers";

import { need } from "./env.mjs";

const endpoint = need("IDPOOL_ENDPOINT");
const region = need("IDPOOL_REGION");
const poolId = need("IDPOOL_JS_POOL_ID");
const missingPoolId = need("IDPOOL_JS_MISSING_POOL_ID");
const guestArn = need("IDPOOL_JS_GUEST_ARN");
const authArn = need("IDPOOL_JS_AUTH_ARN");
const googleKey = need("IDPOOL_JS_GOOGLE_KEY");
const googleToken = need("IDPOOL_JS_GOOGLE_TOKEN");
const devIdentityId = need("IDPOOL_JS_DEV_IDENTITY_ID");
const devToken = need("IDPOOL_JS_DEV_TOKEN");

// The login key of tokens Cognito Identity itself issues, such as those of
// GetOpenIdTokenForDeveloperIdentity.
const cognitoKey = "cognito-identity.amazonaws.com";

// Every client is aimed at idpool the way apps aim theirs at a local
// endpoint; retries are off so that a refusal is seen as first sent.
const clientConfig = { region, endpoint, maxAttempts: 1 };

const identityIdPattern = /^[a-z]{2}(-[a-z]+)+-\d+:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;

// checkCredentials asserts the shape of temporary credentials from
// GetCredentialsForIdentity: an ASIA key, a 40-character secret, a session
// token, and an expiration about an hour ahead.
function checkCredentials(creds) {
  assert.match(creds.accessKeyId, /^ASIA[A-Z0-9]{16}$/, "accessKeyId");
  assert.equal(creds.secretAccessKey.length, 40, "secretAccessKey length");
  assert.ok(creds.sessionToken, "sessionToken is empty");
  assert.ok(creds.expiration instanceof Date, `expiration ${creds.expiration} is not a Date`);
  const ahead = (creds.expiration.getTime() - Date.now()) / 1000;
  assert.ok(
    ahead > 3600 - 120 && ahead < 3600 + 60,
    `expiration ${creds.expiration.toISOString()} is ${Math.round(ahead)} s ahead, want about 3600`,
  );
  assert.match(creds.identityId, identityIdPattern, "identityId");
}

// callerArn runs STS GetCallerIdentity signed with the credentials of
// provider, at idpool, and returns the caller's ARN.
async function callerArn(provider) {
  const sts = new STSClient({ ...clientConfig, credentials: provider });
  const out = await sts.send(new GetCallerIdentityCommand({}));
  return out.Arn;
}

test("guest: fromCognitoIdentityPool credentials sign STS as the unauthenticated role", async () => {
  const provider = fromCognitoIdentityPool({ identityPoolId: poolId, clientConfig });
  const creds = await provider();
  checkCredentials(creds);
  assert.equal(await callerArn(provider), guestArn);
});

test("guest: the provider keeps its identity across refreshes", async () => {
  // The SDK caches a guest's identity id per pool; a second provider of the
  // same pool must get credentials for the same identity.
  const first = await fromCognitoIdentityPool({ identityPoolId: poolId, clientConfig })();
  const second = await fromCognitoIdentityPool({ identityPoolId: poolId, clientConfig })();
  assert.equal(second.identityId, first.identityId);
  assert.notEqual(second.accessKeyId, first.accessKeyId, "fresh credentials were not minted");
});

test("login: fromCognitoIdentityPool with a provider token gets the authenticated role", async () => {
  const logins = { [googleKey]: googleToken };
  const provider = fromCognitoIdentityPool({ identityPoolId: poolId, logins, clientConfig });
  const creds = await provider();
  checkCredentials(creds);
  assert.equal(await callerArn(provider), authArn);

  // The same login maps to the same identity.
  const again = await fromCognitoIdentityPool({ identityPoolId: poolId, logins, clientConfig })();
  assert.equal(again.identityId, creds.identityId);
});

test("developer: fromCognitoIdentity with a developer token gets the authenticated role", async () => {
  const provider = fromCognitoIdentity({
    identityId: devIdentityId,
    logins: { [cognitoKey]: devToken },
    clientConfig,
  });
  const creds = await provider();
  checkCredentials(creds);
  assert.equal(creds.identityId, devIdentityId);
  assert.equal(await callerArn(provider), authArn);
});

test("developer: fromCognitoIdentityPool refuses a Cognito token in GetId", async () => {
  // Cognito answers GetId with a cognito-identity.amazonaws.com login with
  // NotAuthorizedException: developer identities go through
  // fromCognitoIdentity with the identity id the backend returned.
  const provider = fromCognitoIdentityPool({
    identityPoolId: poolId,
    logins: { [cognitoKey]: devToken },
    clientConfig,
  });
  await assert.rejects(provider(), (err) => {
    assert.equal(err.name, "NotAuthorizedException");
    assert.equal(err.message, "Invalid login token. Can't pass in a Cognito token.");
    assert.equal(err.$metadata?.httpStatusCode, 400);
    return true;
  });
});

test("error: an unknown pool is ResourceNotFoundException", async () => {
  const provider = fromCognitoIdentityPool({ identityPoolId: missingPoolId, clientConfig });
  await assert.rejects(provider(), (err) => {
    assert.equal(err.name, "ResourceNotFoundException");
    assert.equal(err.message, `IdentityPool '${missingPoolId}' not found.`);
    assert.equal(err.$metadata?.httpStatusCode, 400);
    return true;
  });

  // The service client itself raises its modelled exception class, which
  // apps match with instanceof.
  const client = new CognitoIdentityClient(clientConfig);
  await assert.rejects(client.send(new GetIdCommand({ IdentityPoolId: missingPoolId })), (err) => {
    assert.ok(err instanceof ResourceNotFoundException, `got ${err.name}, want ResourceNotFoundException`);
    return true;
  });
});
