// need returns the environment variable name, failing loudly when it is
// missing: a test run without its inputs must not pass. The SDK tests
// take their inputs from TestJavaScriptSDK.
export function need(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set; run this file through "go test ./conformance -run TestJavaScriptSDK"`);
  }
  return v;
}
