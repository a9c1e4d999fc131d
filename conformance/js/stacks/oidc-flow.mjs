// oidcSignIn runs a real OpenID Connect authorization-code flow with PKCE
// against the provider oidc-server.mjs starts, as a browser and an app's
// backend would together: discovery, the authorization request, the
// provider's login and consent pages submitted as forms, the redirect with
// the code, and the code exchanged at the token endpoint. It returns the
// id_token.
//
// fetch does not keep cookies and its automatic redirects would lose them,
// so redirects are followed by hand and cookies are kept in a small jar.
// Cookie paths and expiry are honoured only as far as the provider needs:
// a cookie set empty or already expired is dropped, every other one is sent
// to every path of the one origin.
import { createHash, randomBytes } from "node:crypto";
import assert from "node:assert/strict";

// The flow never takes more steps than this; more means a redirect loop.
const maxSteps = 20;

const b64url = (buf) => buf.toString("base64url");

export async function oidcSignIn(issuer, client, user) {
  const discovery = await getJSON(`${issuer}/.well-known/openid-configuration`);
  assert.equal(discovery.issuer, issuer, "discovery issuer");

  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: client.id,
    response_type: "code",
    scope: "openid email",
    redirect_uri: client.redirectUri,
    state,
    nonce,
    code_challenge: b64url(createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
  }).toString();

  const jar = new Map();
  let req = { url: auth.href, method: "GET" };
  let code;
  for (let step = 0; !code; step++) {
    assert.ok(step < maxSteps, `authorization flow did not reach ${client.redirectUri} in ${maxSteps} steps`);
    const res = await fetch(req.url, {
      method: req.method,
      body: req.body,
      headers: {
        ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
        ...(req.body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    keepCookies(jar, res);
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, req.url);
      if (next.href.startsWith(client.redirectUri)) {
        assert.equal(next.searchParams.get("error"), null, `authorization error: ${next.searchParams.get("error_description")}`);
        assert.equal(next.searchParams.get("state"), state, "state in the redirect");
        code = next.searchParams.get("code");
        assert.ok(code, `redirect ${next.href} has no code`);
        break;
      }
      req = { url: next.href, method: "GET" };
      continue;
    }
    const html = await res.text();
    assert.equal(res.status, 200, `GET ${req.url}: status ${res.status}: ${html.slice(0, 500)}`);
    req = submitForm(req.url, html, user);
  }

  const token = await fetch(discovery.token_endpoint, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await token.json();
  assert.equal(token.status, 200, `token endpoint: ${JSON.stringify(body)}`);
  assert.ok(body.id_token, "token endpoint answered no id_token");
  const claims = JSON.parse(Buffer.from(body.id_token.split(".")[1], "base64url"));
  assert.equal(claims.nonce, nonce, "id_token nonce");
  return body.id_token;
}

async function getJSON(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, `GET ${url}: status ${res.status}`);
  return res.json();
}

// keepCookies stores the cookies res sets into jar, dropping those it clears.
function keepCookies(jar, res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expires = attrs.map((a) => a.trim()).find((a) => /^expires=/i.test(a));
    const gone = value === "" || (expires && Date.parse(expires.slice(8)) <= Date.now());
    if (gone) {
      jar.delete(name);
    } else {
      jar.set(name, value);
    }
  }
}

// submitForm returns the request that submits the one form of a provider
// page: its hidden inputs, plus the user's login and password on the login
// page. The consent page's form has only hidden inputs.
function submitForm(pageURL, html, user) {
  const form = html.match(/<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i);
  assert.ok(form, `page ${pageURL} has no form: ${html.slice(0, 500)}`);
  const fields = new URLSearchParams();
  for (const input of form[2].matchAll(/<input[^>]*>/gi)) {
    const name = input[0].match(/name="([^"]*)"/)?.[1];
    if (!name) {
      continue;
    }
    const value = input[0].match(/value="([^"]*)"/)?.[1] ?? "";
    if (name === "login") {
      fields.set(name, user.sub);
    } else if (name === "password") {
      fields.set(name, user.password);
    } else {
      fields.set(name, unescapeHTML(value));
    }
  }
  return {
    url: new URL(unescapeHTML(form[1]), pageURL).href,
    method: "POST",
    body: fields.toString(),
  };
}

function unescapeHTML(s) {
  return s
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}
