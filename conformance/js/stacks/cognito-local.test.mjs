// idpool with cognito-local as the user pool, in its default configuration
// (tokens issued by http://localhost:PORT/<userPoolId>), reached by the two
// clients web apps use: Amplify v6 and the AWS SDK v3 credential provider.
//
// conformance/jsstacks_test.go starts cognito-local and idpool and runs this
// file with `node --test`. Here the user pool, its app client and user are
// made in cognito-local, and the identity pool that trusts that user pool is
// made in idpool, both with the AWS SDK v3, as a project's setup script
// would.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  GetIdCommand,
  NotAuthorizedException,
  SetIdentityPoolRolesCommand,
} from "@aws-sdk/client-cognito-identity";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { Amplify } from "aws-amplify";
import { decodeJWT, fetchAuthSession, signIn, signOut } from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";

import { callerArn, checkCredentials, claims, devCredentials, need, region } from "./env.mjs";

const idpool = need("IDPOOL_ENDPOINT");
// cognito-local's URL, http://localhost:PORT: in its default configuration
// it is also the issuer domain of its tokens.
const cognitoLocal = need("IDPOOL_COGNITO_LOCAL_ENDPOINT");
const authRole = need("IDPOOL_CL_AUTH_ROLE");
const guestRole = need("IDPOOL_CL_GUEST_ROLE");
const authArn = need("IDPOOL_CL_AUTH_ARN");
const guestArn = need("IDPOOL_CL_GUEST_ARN");
const groupRole = need("IDPOOL_CL_GROUP_ROLE");
const groupArn = need("IDPOOL_CL_GROUP_ARN");

const user = { email: "alice@example.com", password: "Passw0rd!-stack" };
// gen2User signs in only through the Amplify configured from a Gen 2
// amplify_outputs.json, so that no identity holds their login before.
const gen2User = { email: "bob@example.com", password: "Passw0rd!-gen2" };

// cognito-local accepts any keys; its user pools are all in region "local"
// (ids local_XXXXXXXX), and the pool is named in idpool, as in AWS, by the
// user pool's cognito-idp key of idpool's region.
const idp = new CognitoIdentityProviderClient({
  region,
  endpoint: cognitoLocal,
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
  maxAttempts: 1,
});
const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "stack" }));
const userPoolId = UserPool.Id;
const { UserPoolClient } = await idp.send(
  new CreateUserPoolClientCommand({
    UserPoolId: userPoolId,
    ClientName: "web",
    ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
  }),
);
const clientId = UserPoolClient.ClientId;
// createUser makes u a confirmed user of the user pool, as an admin
// script does.
async function createUser(u) {
  await idp.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: u.email,
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: u.email },
        { Name: "email_verified", Value: "true" },
      ],
    }),
  );
  await idp.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: u.email,
      Password: u.password,
      Permanent: true,
    }),
  );
}
await createUser(user);
await createUser(gen2User);

// userPoolKey is the Logins key AWS documents for a user pool; amplifyKey
// is the one Amplify v6 derives from the ID token's iss by dropping the
// scheme, which for cognito-local is localhost:PORT/<userPoolId>.
const userPoolKey = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
const issuer = `${cognitoLocal}/${userPoolId}`;
const amplifyKey = issuer.replace(/^http:\/\//, "");

const clientConfig = { region, endpoint: idpool, maxAttempts: 1 };
const identity = new CognitoIdentityClient({ ...clientConfig, credentials: devCredentials });
const { IdentityPoolId: identityPoolId } = await identity.send(
  new CreateIdentityPoolCommand({
    IdentityPoolName: "stack_cognito_local",
    AllowUnauthenticatedIdentities: true,
    CognitoIdentityProviders: [{ ProviderName: userPoolKey, ClientId: clientId }],
  }),
);
await identity.send(
  new SetIdentityPoolRolesCommand({
    IdentityPoolId: identityPoolId,
    Roles: { authenticated: authRole, unauthenticated: guestRole },
  }),
);

// userPoolIdToken signs the user in at cognito-local through app client
// client (the pool's own by default) and returns the ID token, as an app
// that does not use Amplify does.
async function userPoolIdToken(client = clientId) {
  const out = await idp.send(
    new InitiateAuthCommand({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: client,
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  return out.AuthenticationResult.IdToken;
}

// getId returns the identity idpool maps logins to.
async function getId(logins) {
  const out = await identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }));
  return out.IdentityId;
}

test("cognito-local: its ID tokens carry its http:// issuer", async () => {
  const token = await userPoolIdToken();
  const c = claims(token);
  assert.equal(c.iss, issuer);
  assert.equal(c.aud, clientId);
  assert.equal(c.token_use, "id");
});

// guestIdentity fetches the session of Amplify's guest, checks that its
// credentials sign STS as the unauthenticated role, and returns its
// identity id.
async function guestIdentity() {
  const session = await fetchAuthSession();
  assert.equal(session.tokens, undefined, "a guest has no user pool tokens");
  checkCredentials(session.credentials);
  assert.match(session.identityId, /^us-east-1:[0-9a-f-]{36}$/, "identityId");
  assert.equal(await callerArn(idpool, session.credentials), guestArn);
  return session.identityId;
}

// signInSession signs u in through Amplify with USER_PASSWORD_AUTH (which
// cognito-local implements, unlike SRP) and returns the session Amplify
// fetches then.
async function signInSession(u) {
  const out = await signIn({
    username: u.email,
    password: u.password,
    options: { authFlowType: "USER_PASSWORD_AUTH" },
  });
  assert.equal(out.isSignedIn, true, `signIn: next step ${JSON.stringify(out.nextStep)}`);
  return fetchAuthSession();
}

// Amplify keeps one configuration and one signed-in user per process, so
// its tests run in order in one test: first the guest, then the user.
test("Amplify v6: fetchAuthSession for a guest and for a user signed in through cognito-local", async (t) => {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId,
        userPoolClientId: clientId,
        identityPoolId,
        allowGuestAccess: true,
        userPoolEndpoint: cognitoLocal,
        identityPoolEndpoint: idpool,
      },
    },
  });

  let guestId;
  await t.test("guest: credentials sign STS as the unauthenticated role", async () => {
    guestId = await guestIdentity();
  });

  await t.test("user: signIn with USER_PASSWORD_AUTH, credentials sign STS as the authenticated role", async () => {
    const session = await signInSession(user);
    assert.ok(session.tokens?.idToken, "no ID token after signIn");
    assert.equal(session.tokens.idToken.payload.iss, issuer);
    checkCredentials(session.credentials);
    // Amplify keeps the guest's identity id and sends it with the login to
    // GetCredentialsForIdentity; Cognito links a login no identity has yet
    // to that identity, which becomes the user's.
    assert.equal(session.identityId, guestId, "identityId after signIn");
    assert.equal(await callerArn(idpool, session.credentials), authArn);

    // Amplify sent the token under its own key; the same token under the
    // user pool's AWS key is the same user, so the same identity.
    const token = session.tokens.idToken.toString();
    assert.equal(await getId({ [amplifyKey]: token }), session.identityId, `GetId under ${amplifyKey}`);
    assert.equal(await getId({ [userPoolKey]: token }), session.identityId, `GetId under ${userPoolKey}`);
  });
});

// A Gen 2 app configures Amplify from amplify_outputs.json, which has no
// member for an endpoint: the endpoints are added to the configuration
// Amplify parsed from it, as README's "With Amplify" shows. The identity
// pool's calls go to the region its id names, the user pool's to
// cognito-local. This runs after the test above, in the same process.
test("Amplify v6 from a Gen 2 amplify_outputs.json with the endpoints added: a guest's identity becomes the user's", async (t) => {
  await signOut(); // forgets the user above and the identity id with them
  const outputs = {
    version: "1.3",
    auth: {
      aws_region: region,
      user_pool_id: userPoolId,
      user_pool_client_id: clientId,
      identity_pool_id: identityPoolId,
      unauthenticated_identities_enabled: true,
      username_attributes: ["email"],
      standard_required_attributes: ["email"],
      user_verification_types: ["email"],
      mfa_configuration: "NONE",
      password_policy: {
        min_length: 8,
        require_lowercase: true,
        require_numbers: true,
        require_symbols: true,
        require_uppercase: true,
      },
    },
  };
  Amplify.configure(outputs);
  const parsed = Amplify.getConfig();
  assert.equal(parsed.Auth?.Cognito?.identityPoolId, identityPoolId, "identityPoolId parsed from the outputs");
  assert.equal(parsed.Auth.Cognito.identityPoolEndpoint, undefined, "an endpoint from outputs that have none");
  Amplify.configure({
    ...parsed,
    Auth: {
      ...parsed.Auth,
      Cognito: { ...parsed.Auth.Cognito, userPoolEndpoint: cognitoLocal, identityPoolEndpoint: idpool },
    },
  });

  let guestId;
  await t.test("guest: credentials of the unauthenticated role from idpool", async () => {
    guestId = await guestIdentity();
  });

  await t.test("user: signIn through cognito-local keeps the guest's identity, now authenticated", async () => {
    const session = await signInSession(gen2User);
    assert.equal(session.tokens?.idToken?.payload.email, gen2User.email, "the ID token's email");
    checkCredentials(session.credentials);
    assert.equal(session.identityId, guestId, "identityId after signIn");
    assert.equal(await callerArn(idpool, session.credentials), authArn);
  });

  await t.test("forceRefresh: Amplify's refresher fails on cognito-local, the README's refresher works", async () => {
    // Amplify refreshes with GetTokensFromRefreshToken, which
    // cognito-local answers 500 Unsupported.
    await assert.rejects(fetchAuthSession({ forceRefresh: true }), "forceRefresh with Amplify's own refresher");
    cognitoUserPoolsTokenProvider.tokenOrchestrator.setTokenRefresher(refreshAtCognitoLocal);
    const session = await fetchAuthSession({ forceRefresh: true });
    assert.equal(session.tokens?.idToken?.payload.email, gen2User.email, "the refreshed ID token's email");
    checkCredentials(session.credentials);
    assert.equal(session.identityId, guestId, "identityId after the refresh");
    assert.equal(await callerArn(idpool, session.credentials), authArn);
  });
});

// refreshAtCognitoLocal is README's token refresher for cognito-local
// ("With cognito-local"): InitiateAuth's REFRESH_TOKEN_AUTH, which
// cognito-local implements, in place of Amplify's GetTokensFromRefreshToken.
async function refreshAtCognitoLocal({ tokens, authConfig, username }) {
  const { userPoolEndpoint, userPoolClientId } = authConfig.Cognito;
  const res = await fetch(userPoolEndpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify({
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: userPoolClientId,
      AuthParameters: { REFRESH_TOKEN: tokens.refreshToken },
    }),
  });
  if (!res.ok) throw new Error(`InitiateAuth REFRESH_TOKEN_AUTH: ${res.status} ${await res.text()}`);
  const { AuthenticationResult: r } = await res.json();
  return {
    accessToken: decodeJWT(r.AccessToken),
    idToken: decodeJWT(r.IdToken),
    refreshToken: r.RefreshToken ?? tokens.refreshToken,
    clockDrift: 0,
    username,
  };
}

test("fromCognitoIdentityPool: a cognito-local login under the cognito-idp key gets the authenticated role", async () => {
  const token = await userPoolIdToken();
  const provider = fromCognitoIdentityPool({
    identityPoolId,
    logins: { [userPoolKey]: token },
    clientConfig,
  });
  const creds = await provider();
  checkCredentials(creds);
  assert.equal(await callerArn(idpool, provider), authArn);
  assert.equal(await getId({ [amplifyKey]: token }), creds.identityId, `GetId under ${amplifyKey}`);
});

test("cognito-local: a token of another app client of the user pool is refused", async () => {
  // The identity pool trusts one app client of the user pool; Cognito
  // refuses the ID tokens of the others, whatever the Logins key.
  const { UserPoolClient: other } = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: "other",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  const token = await userPoolIdToken(other.ClientId);
  assert.equal(claims(token).aud, other.ClientId);
  for (const key of [userPoolKey, amplifyKey]) {
    await assert.rejects(getId({ [key]: token }), (err) => {
      assert.ok(err instanceof NotAuthorizedException, `under ${key}: got ${err.name} (${err.message}), want NotAuthorizedException`);
      assert.equal(err.$metadata?.httpStatusCode, 400);
      return true;
    });
  }
});

test("cognito-local groups: a Rules mapping on cognito:groups chooses the group's role", async () => {
  // cognito-local's ID tokens carry cognito:groups but never
  // cognito:roles, so only a Rules mapping can see a user's groups.
  await idp.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: "admins" }));
  await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: "admins" }));
  const token = await userPoolIdToken();
  const c = claims(token);
  assert.deepEqual(c["cognito:groups"], ["admins"], "cognito:groups");
  assert.equal(c["cognito:roles"], undefined, "cognito:roles");
  await identity.send(
    new SetIdentityPoolRolesCommand({
      IdentityPoolId: identityPoolId,
      Roles: { authenticated: authRole, unauthenticated: guestRole },
      RoleMappings: {
        [`${userPoolKey}:${clientId}`]: {
          Type: "Rules",
          AmbiguousRoleResolution: "AuthenticatedRole",
          RulesConfiguration: {
            Rules: [{ Claim: "cognito:groups", MatchType: "Contains", Value: "admins", RoleARN: groupRole }],
          },
        },
      },
    }),
  );
  const provider = fromCognitoIdentityPool({ identityPoolId, logins: { [userPoolKey]: token }, clientConfig });
  assert.equal(await callerArn(idpool, provider), groupArn);
});
