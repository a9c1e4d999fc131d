package conformance

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	v4 "github.com/aws/aws-sdk-go/aws/signer/v4"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// TestSyncDotDatasetNames uses datasets named "." and "..", which the
// model allows (DatasetName: [a-zA-Z0-9_.:-]+). Their paths hold dot
// segments: the Go SDKs sign the path as sent, which verifies, and the
// names work as any other; botocore and the JS SDK sign the path without
// them (AWS's rule), which idpool refuses, as that signature also covers
// another request than the one it would serve.
func TestSyncDotDatasetNames(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)
	u := p.guest(t)

	// By default aws-sdk-go cleans the path before it sends it, which
	// would call another operation; without that it sends the dot
	// segments and signs them as sent.
	u.c.Config.DisableRestProtocolURICleaning = aws.Bool(true)
	t.Run("aws-sdk-go", func(t *testing.T) {
		for _, ds := range []string{".", ".."} {
			recs := u.write(t, ds, replacePatch("k", "v"+ds, 0))
			wantRecords(t, "UpdateRecords "+ds, recs, map[string]syncRecord{"k": liveRecord("v"+ds, 1)})
			out, err := u.list(ds, 0)
			ok(t, err, "ListRecords "+ds)
			wantRecords(t, "ListRecords "+ds, out.Records, map[string]syncRecord{"k": liveRecord("v"+ds, 1)})
			d, err := u.describe(ds)
			ok(t, err, "DescribeDataset "+ds)
			if got := aws.StringValue(d.DatasetName); got != ds {
				t.Errorf("DescribeDataset %s: got name %q, want %q", ds, got, ds)
			}
		}
		out, err := u.c.ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: aws.String(u.pool), IdentityId: aws.String(u.id)})
		ok(t, err, "ListDatasets")
		if got := joinNames(datasetNames(out.Datasets)); got != "[. ..]" {
			t.Errorf("ListDatasets: got %s, want [. ..]", got)
		}
	})

	// botocore, and so boto3 and the CLI, signs the normalised path:
	// requests are signed so here by the v1 SDK's signer and sent with
	// their dot segments. The signature of …/datasets/records would
	// verify DescribeDataset of "records" as well: refused.
	identity := "/identitypools/" + escapeLabel(u.pool) + "/identities/" + escapeLabel(u.id)
	t.Run("signed normalised, refused", func(t *testing.T) {
		tests := []struct {
			name, method, path, signPath, body string
			status                             int
			want                               string // in the body
		}{
			{"ListRecords .", http.MethodGet, u.datasetPath(".") + "/records", identity + "/datasets/records", "",
				http.StatusForbidden, "InvalidSignatureException"},
			{"ListRecords ..", http.MethodGet, u.datasetPath("..") + "/records", identity + "/records", "",
				http.StatusForbidden, "InvalidSignatureException"},
			{"DescribeDataset .", http.MethodGet, u.datasetPath("."), identity + "/datasets", "",
				http.StatusForbidden, "InvalidSignatureException"},
			{"UpdateRecords ..", http.MethodPost, u.datasetPath(".."), identity, `{"SyncSessionToken":"` + u.token(t, "..") +
				`","RecordPatches":[{"Op":"replace","Key":"k","Value":"w","SyncCount":1}]}`,
				http.StatusForbidden, "InvalidSignatureException"},
			{"signature of another dataset", http.MethodGet, u.datasetPath(".") + "/records", identity + "/datasets/x/records", "",
				http.StatusForbidden, "InvalidSignatureException"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := u.rawSignedOver(t, s, tt.method, tt.path, tt.signPath, tt.body)
				if res.status != tt.status || !strings.Contains(string(res.body), tt.want) {
					t.Errorf("got %d %s, want %d with %s", res.status, res.body, tt.status, tt.want)
				}
				if !json.Valid(res.body) {
					t.Errorf("got body %q, want JSON", res.body)
				}
			})
		}
	})

	t.Run("DeleteDataset", func(t *testing.T) {
		for _, ds := range []string{".", ".."} {
			_, err := u.c.DeleteDataset(&cognitosync.DeleteDatasetInput{IdentityPoolId: aws.String(u.pool), IdentityId: aws.String(u.id), DatasetName: aws.String(ds)})
			ok(t, err, "DeleteDataset "+ds)
			_, err = u.describe(ds)
			wantSyncError(t, err, codeNotFound, http.StatusNotFound, "")
		}
	})
}

// rawSignedOver sends method on path with body as JSON (none when ""),
// signed by the v1 SDK's signer with u's credentials over signPath instead,
// the path as botocore and the JS SDK sign it.
func (u *syncUser) rawSignedOver(t *testing.T, s *server, method, path, signPath, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, s.endpoint+signPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rd io.ReadSeeker
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
		rd = strings.NewReader(body)
	}
	if _, err := v4.NewSigner(u.creds).Sign(req, rd, cognitosync.ServiceName, region, time.Now()); err != nil {
		t.Fatalf("sign: %v", err)
	}
	if req.URL, err = url.Parse(s.endpoint + path); err != nil {
		t.Fatal(err)
	}
	return s.do(t, req)
}
