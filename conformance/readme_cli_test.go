package conformance

import (
	"os"
	"strings"
	"testing"
)

// cliURLParams are the AWS CLI parameters that may take an http:// or
// https:// URL: the global --endpoint-url, and the parameters the AWS CLI
// v1 exempts from fetching URLs (PARAMFILE_DISABLED in awscli/paramfile.py
// of aws/aws-cli), as "command param".
var cliURLParams = []string{"--endpoint-url", "create-open-id-connect-provider --url"}

// TestREADMECLIURLArguments: no AWS CLI command of the README gives a
// parameter a URL as its value, which the AWS CLI v1 would fetch, sending
// what it got instead (its cli_follow_urlparam setting), unless the CLI
// exempts that parameter.
func TestREADMECLIURLArguments(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range codeBlocks(string(b), "sh") {
		for _, line := range shellLines(block) {
			fields := strings.Fields(line)
			cli := false // within an aws command
			for i, f := range fields {
				if f == "aws" || strings.HasSuffix(f, "(aws") {
					cli = true
				}
				if !cli || !strings.HasPrefix(f, "--") || i+1 == len(fields) {
					continue
				}
				value := strings.Trim(fields[i+1], `"'`)
				if !strings.HasPrefix(value, "http://") && !strings.HasPrefix(value, "https://") {
					continue
				}
				if !exemptURLParam(line, f) {
					t.Errorf("README: %s %s in %q: the AWS CLI v1 fetches that URL; pass it in --cli-input-json", f, fields[i+1], line)
				}
			}
		}
	}
}

// exemptURLParam reports whether param of the AWS CLI command line may
// take a URL (see cliURLParams).
func exemptURLParam(line, param string) bool {
	for _, p := range cliURLParams {
		cmd, name, found := strings.Cut(p, " ")
		if !found && cmd == param || found && name == param && strings.Contains(line, " "+cmd+" ") {
			return true
		}
	}
	return false
}
