// A real OpenID Connect provider (the oidc-provider package) for the
// conformance tests of conformance/jsstacks_test.go, which starts this file
// with node and reads its first line of output.
//
// It listens on a free port of 127.0.0.1 and uses the plain-HTTP issuer
// http://localhost:PORT, as a provider run on a developer's machine does.
// Once it serves, it prints one JSON line, {"issuer": "http://localhost:PORT"},
// and runs until it is killed.
//
// Two confidential clients share one redirect URI: app is the audience an
// identity pool trusts, other is a second application of the same provider
// whose tokens must be refused there. One user exists, alice, who signs in
// through the package's development login and consent pages (any password).
// Tokens are signed RS256 with a key made at start.
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";

import Provider from "oidc-provider";

import { oidcClients, oidcUser } from "./oidc-config.mjs";

const server = http.createServer();
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(0, "127.0.0.1", resolve);
});
const issuer = `http://localhost:${server.address().port}`;

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "stack-1", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: oidcClients.map((c) => ({
    client_id: c.id,
    client_secret: c.secret,
    redirect_uris: [c.redirectUri],
    response_types: ["code"],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "client_secret_basic",
  })),
  jwks: { keys: [jwk] },
  cookies: { keys: ["idpool-conformance-cookie-key"] },
  claims: { openid: ["sub"], email: ["email", "email_verified"] },
  // Only the test user exists; the development login page accepts any
  // login name, so an unknown one must not become an account.
  async findAccount(_ctx, sub) {
    if (sub !== oidcUser.sub) {
      return undefined;
    }
    return {
      accountId: sub,
      async claims() {
        return { sub, email: oidcUser.email, email_verified: true };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
});
// Keep the log quiet: the Go side shows this process's output on failure.
provider.on("server_error", (_ctx, err) => console.error("oidc-provider server_error:", err));
server.on("request", provider.callback());

console.log(JSON.stringify({ issuer }));
