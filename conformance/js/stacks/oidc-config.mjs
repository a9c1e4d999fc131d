// What oidc-server.mjs configures and the tests that drive it rely on: the
// clients of the provider and its one user. conformance/jsstacks_test.go
// names the same client ids in the identity pools and roles it seeds.

// oidcClients are the provider's confidential clients. app is the audience
// the identity pools and roles trust; other is a second application of the
// same provider.
export const oidcClients = [
  { id: "app", secret: "app-secret-0123456789", redirectUri: "http://localhost/callback" },
  { id: "other", secret: "other-secret-0123456789", redirectUri: "http://localhost/callback" },
];

// oidcUser signs in through the provider's development login page, which
// takes any password. STS wants a sub of 6 to 255 characters.
export const oidcUser = { sub: "alice-0001", email: "alice@example.com", password: "any-password" };
