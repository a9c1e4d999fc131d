// Outbound identity federation verified from Node.js as external services
// verify AWS's tokens: with the jose package's createRemoteJWKSet and
// jwtVerify, from the issuer alone. The AWS SDK for JavaScript v3 enables
// the feature (IAM) and asks for the tokens (STS), signed with the
// developer's keys. jose is not a dependency of package.json of its own:
// it is installed as oidc-provider's (package-lock.json, node_modules/jose
// 5.10.0), which npm hoists where this file finds it.
//
// conformance/js_test.go runs this file with `node --test`; run it through Go:
//
//	go test ./conformance -run TestJavaScriptSDK
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  EnableOutboundWebIdentityFederationCommand,
  FeatureEnabledException,
  GetOutboundWebIdentityFederationInfoCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import { GetWebIdentityTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";

import { need } from "./env.mjs";

const endpoint = need("IDPOOL_ENDPOINT");
const region = need("IDPOOL_REGION");
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

// awsKeyIDs are the kids of AWS's issuer keys, by algorithm (the RSA key's
// JWK has no alg: jose picks it by its kty).
const awsKeyIDs = { RS256: "RSA_0", ES384: "EC384_0" };

// issuer enables the feature, or finds it enabled, and returns the issuer.
async function issuer() {
  const iam = new IAMClient({ endpoint, region, credentials });
  try {
    const out = await iam.send(new EnableOutboundWebIdentityFederationCommand({}));
    return out.IssuerIdentifier;
  } catch (err) {
    assert.ok(err instanceof FeatureEnabledException, `EnableOutboundWebIdentityFederation: ${err}`);
    const info = await iam.send(new GetOutboundWebIdentityFederationInfoCommand({}));
    return info.IssuerIdentifier;
  }
}

test("GetWebIdentityToken's tokens verify with jose from the issuer's discovery", async () => {
  const iss = await issuer();
  const res = await fetch(`${iss}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  const conf = await res.json();
  assert.equal(conf.issuer, iss);
  // AWS's members, in AWS's order: no response_types_supported.
  assert.deepEqual(Object.keys(conf), ["claims_supported", "id_token_signing_alg_values_supported", "issuer", "jwks_uri",
    "subject_types_supported"]);
  const jwks = createRemoteJWKSet(new URL(conf.jwks_uri));
  const sts = new STSClient({ endpoint, region, credentials });
  const audience = "https://api.example.com";
  for (const alg of ["RS256", "ES384"]) {
    const out = await sts.send(new GetWebIdentityTokenCommand({
      Audience: [audience], SigningAlgorithm: alg, DurationSeconds: 120,
      Tags: [{ Key: "job-id", Value: "js-1" }],
    }));
    const header = decodeProtectedHeader(out.WebIdentityToken);
    assert.equal(header.alg, alg);
    assert.equal(header.kid, awsKeyIDs[alg]);
    const { payload } = await jwtVerify(out.WebIdentityToken, jwks, { issuer: iss, audience, algorithms: [alg] });
    assert.equal(payload.exp - payload.iat, 120);
    assert.equal(payload.exp * 1000, out.Expiration.getTime());
    const aws = payload["https://sts.amazonaws.com/"];
    assert.equal(aws.source_region, region);
    assert.deepEqual(aws.request_tags, { "job-id": "js-1" });
    await assert.rejects(jwtVerify(out.WebIdentityToken, jwks, { issuer: iss, audience: "https://other.example" }),
      /aud/, "a token for another audience");
  }
});
