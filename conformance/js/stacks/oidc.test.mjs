// idpool with oidc-provider as the identity provider: an ID token from a
// real authorization-code flow, issued by the plain-HTTP issuer
// http://localhost:PORT, exchanged for credentials through Cognito Identity
// (GetId + GetCredentialsForIdentity) and through STS
// AssumeRoleWithWebIdentity, and refused as AWS refuses it.
//
// conformance/jsstacks_test.go starts oidc-server.mjs and two idpool
// servers seeded with the same fixture (the pools and roles below):
//   - permissive: the default mode; the fixture declares no provider;
//   - verified: --strict, with the issuer declared as a fixture provider
//     (Name = the issuer URL, ClientIds = [app]) and no key set, so that
//     idpool finds the provider's keys by OpenID Connect discovery.
// It runs this file with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  InvalidIdentityPoolConfigurationException,
  NotAuthorizedException,
} from "@aws-sdk/client-cognito-identity";
import {
  AssumeRoleWithWebIdentityCommand,
  InvalidIdentityTokenException,
  STSClient,
} from "@aws-sdk/client-sts";

import { callerArn, checkCredentials, claims, need, region } from "./env.mjs";
import { oidcClients, oidcUser } from "./oidc-config.mjs";
import { oidcSignIn } from "./oidc-flow.mjs";

const issuer = need("IDPOOL_OIDC_ISSUER");
const poolId = need("IDPOOL_OIDC_POOL_ID");
const untrustedPoolId = need("IDPOOL_OIDC_UNTRUSTED_POOL_ID");
const poolCallerArn = need("IDPOOL_OIDC_POOL_CALLER_ARN");
const webRole = need("IDPOOL_OIDC_WEB_ROLE");
const webArn = need("IDPOOL_OIDC_WEB_ARN");
const untrustingRole = need("IDPOOL_OIDC_UNTRUSTING_ROLE");
const sessionName = need("IDPOOL_OIDC_SESSION");

const modes = [
  { name: "permissive", endpoint: need("IDPOOL_ENDPOINT") },
  { name: "verified", endpoint: need("IDPOOL_VERIFIED_ENDPOINT") },
];

// The Logins key of the provider, and the IAM OIDC provider it stands for:
// the issuer without its scheme, as AWS writes both.
const loginsKey = issuer.replace(/^https?:\/\//, "");
const providerArn = `arn:aws:iam::${need("IDPOOL_ACCOUNT_ID")}:oidc-provider/${loginsKey}`;

const [app, other] = oidcClients;

// One sign-in per client serves every test: the tokens are good for an hour.
const appToken = await oidcSignIn(issuer, app, oidcUser);
const otherToken = await oidcSignIn(issuer, other, oidcUser);

test("oidc-provider: the flow's ID tokens carry its http:// issuer and the client's audience", () => {
  for (const [token, client] of [[appToken, app], [otherToken, other]]) {
    const c = claims(token);
    assert.equal(c.iss, issuer);
    assert.equal(c.aud, client.id);
    assert.equal(c.sub, oidcUser.sub);
  }
});

// tampered returns token with its payload's sub changed and the signature
// kept, as a token altered in transit would be.
function tampered(token) {
  const [header, , signature] = token.split(".");
  const payload = { ...claims(token), sub: "mallory" };
  return [header, Buffer.from(JSON.stringify(payload)).toString("base64url"), signature].join(".");
}

// credentials turns the Credentials member of GetCredentialsForIdentity
// (SecretKey) or of AssumeRoleWithWebIdentity (SecretAccessKey) into the
// SDK's credentials.
function credentials(c) {
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretKey ?? c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

// rejectsWith asserts that promise fails with the AWS error want and HTTP
// status. want is the SDK's class of a modelled error, which apps match
// with instanceof (the SDK maps STS's wire code InvalidIdentityToken to
// InvalidIdentityTokenException), or the wire code of an unmodelled one
// (STS's AccessDenied).
async function rejectsWith(promise, want, status) {
  const name = typeof want === "string" ? want : want.name;
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `got ${err.name} (${err.message}), want ${name}`);
    if (typeof want !== "string") {
      assert.ok(err instanceof want, `got a ${err.constructor.name}, want an instance of ${name}`);
    }
    assert.equal(err.$metadata?.httpStatusCode, status, `${name} status`);
    return true;
  });
}

for (const { name, endpoint } of modes) {
  const clientConfig = { region, endpoint, maxAttempts: 1 };
  // Both flows' public operations are unsigned, as apps send them.
  const identity = new CognitoIdentityClient(clientConfig);
  const sts = new STSClient(clientConfig);

  const credentialsFor = async (pool, token) => {
    const logins = { [loginsKey]: token };
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: pool, Logins: logins }));
    const out = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
    return { identityId: IdentityId, out };
  };
  const assume = (role, token) =>
    sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: role,
        RoleSessionName: sessionName,
        WebIdentityToken: token,
      }),
    );

  test(`${name}: GetId + GetCredentialsForIdentity with the ID token`, async () => {
    const { identityId, out } = await credentialsFor(poolId, appToken);
    assert.equal(out.IdentityId, identityId);
    const creds = credentials(out.Credentials);
    checkCredentials(creds);
    assert.equal(await callerArn(endpoint, creds), poolCallerArn);

    // A fresh sign-in of the same user is the same identity.
    const again = await oidcSignIn(issuer, app, oidcUser);
    const { IdentityId } = await identity.send(
      new GetIdCommand({ IdentityPoolId: poolId, Logins: { [loginsKey]: again } }),
    );
    assert.equal(IdentityId, identityId, "identity of a second sign-in");
  });

  test(`${name}: AssumeRoleWithWebIdentity with the ID token`, async () => {
    const out = await assume(webRole, appToken);
    assert.equal(out.SubjectFromWebIdentityToken, oidcUser.sub);
    assert.equal(out.Audience, app.id);
    assert.equal(out.Provider, providerArn);
    assert.equal(out.AssumedRoleUser.Arn, webArn);
    const creds = credentials(out.Credentials);
    checkCredentials(creds);
    assert.equal(await callerArn(endpoint, creds), webArn);
  });

  test(`${name}: a role that does not trust the provider is refused`, async () => {
    // STS: the role's trust policy names another provider.
    await rejectsWith(assume(untrustingRole, appToken), "AccessDenied", 403);
    // Cognito Identity: the pool's authenticated role is that role.
    await rejectsWith(credentialsFor(untrustedPoolId, appToken), InvalidIdentityPoolConfigurationException, 400);
  });
}

// Refusals that need the provider's client list and keys: only the
// verified server has them.
{
  const { endpoint } = modes[1];
  const clientConfig = { region, endpoint, maxAttempts: 1 };
  const identity = new CognitoIdentityClient(clientConfig);
  const sts = new STSClient(clientConfig);
  const refusals = [
    { name: "a token for another client of the provider", token: otherToken },
    { name: "a token whose payload was changed", token: tampered(appToken) },
  ];
  for (const { name, token } of refusals) {
    test(`verified: ${name} is refused`, async () => {
      await rejectsWith(
        identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [loginsKey]: token } })),
        NotAuthorizedException,
        400,
      );
      await rejectsWith(
        sts.send(
          new AssumeRoleWithWebIdentityCommand({ RoleArn: webRole, RoleSessionName: sessionName, WebIdentityToken: token }),
        ),
        InvalidIdentityTokenException,
        400,
      );
    });
  }
}
