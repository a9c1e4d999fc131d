//lint:file-ignore SA1019 aws-sdk-go v1 is the only Go SDK with a Cognito Sync client.

package restjson

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/cognitosync"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
	"github.com/idpool/idpool/protocol/sigv4"
)

const (
	sdkKey    = "AKIDEXAMPLE"
	sdkSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

// verifySigV4 is a real SigV4 check: it proves the codec hands the
// Authenticator the request exactly as the SDK signed it (escaped path,
// query, body).
func verifySigV4(r *http.Request, body []byte) (*protocol.Principal, error) {
	sig, err := sigv4.Parse(r)
	if err != nil {
		return nil, protocol.Errorf(http.StatusForbidden, "IncompleteSignatureException", "%s", err.Error())
	}
	if sig.AccessKeyID != sdkKey || sig.Service != "cognito-sync" {
		return nil, protocol.Errorf(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	if err := sigv4.Verify(r, body, sig, sdkSecret, time.Now(), sigv4.MaxSkew); err != nil {
		return nil, protocol.Errorf(http.StatusForbidden, "InvalidSignatureException", "%s", err.Error())
	}
	return &protocol.Principal{AccessKeyID: sig.AccessKeyID}, nil
}

type registerDeviceInput struct {
	IdentityPoolId string
	IdentityId     string
	Platform       string
	Token          string
}

type registerDeviceOutput struct{ DeviceId string }

type datasetOutput struct {
	IdentityId       string
	DatasetName      string
	CreationDate     protocol.Time
	LastModifiedDate protocol.Time
	NumRecords       int64
}

type describeDatasetOutput struct{ Dataset datasetOutput }

// TestAWSSDKv1 drives the codec with the real aws-sdk-go v1 Cognito Sync
// client: its requests must route, verify and decode, and its client must
// read our answers and errors.
func TestAWSSDKv1(t *testing.T) {
	created := time.Date(2015, 1, 17, 17, 41, 53, 393e6, time.UTC)
	s := NewService(shape.CognitoSync(), verifySigV4, nil)
	s.Handle("ListRecords", Op(listRecords))
	s.Handle("UpdateRecords", Op(updateRecords))
	s.Handle("RegisterDevice", Op(func(ctx context.Context, in *registerDeviceInput) (*registerDeviceOutput, error) {
		if p, ok := protocol.PrincipalFrom(ctx); !ok || p.AccessKeyID != sdkKey {
			return nil, errors.New("no principal")
		}
		return &registerDeviceOutput{DeviceId: in.IdentityPoolId + "/" + in.IdentityId + "/" + in.Platform + "/" + in.Token}, nil
	}))
	s.Handle("DescribeDataset", Op(func(_ context.Context, in *describeDatasetInput) (*describeDatasetOutput, error) {
		if in.DatasetName == "missing" {
			return nil, protocol.Errorf(http.StatusNotFound, "ResourceNotFoundException", "Dataset %s not found", in.DatasetName)
		}
		return &describeDatasetOutput{Dataset: datasetOutput{
			IdentityId: in.IdentityId, DatasetName: in.DatasetName,
			CreationDate: protocol.At(created), LastModifiedDate: protocol.At(created.Add(time.Hour)), NumRecords: 3,
		}}, nil
	}))
	var paths []string // escaped paths as they came off the wire
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.EscapedPath())
		s.ServeHTTP(w, r)
	}))
	defer srv.Close()

	sess, err := session.NewSession(&aws.Config{
		Region:      aws.String("us-east-1"),
		Endpoint:    aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentials(sdkKey, sdkSecret, ""),
		MaxRetries:  aws.Int(0),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := cognitosync.New(sess)
	ctx := context.Background()

	t.Run("ListRecords query and labels", func(t *testing.T) {
		out, err := c.ListRecordsWithContext(ctx, &cognitosync.ListRecordsInput{
			IdentityPoolId:   aws.String(poolID),
			IdentityId:       aws.String(identityID),
			DatasetName:      aws.String("my.settings"),
			LastSyncCount:    aws.Int64(41),
			MaxResults:       aws.Int64(1024),
			NextToken:        aws.String("page 2/3"),
			SyncSessionToken: aws.String("tok+=/"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := "/identitypools/" + poolPath + "/identities/" + identityPath + "/datasets/my.settings/records"; paths[len(paths)-1] != want {
			t.Errorf("wire path: got %s, want %s", paths[len(paths)-1], want)
		}
		if got, want := aws.StringValue(out.SyncSessionToken), poolID+"|"+identityID+"|my.settings"; got != want {
			t.Errorf("labels: got %q, want %q", got, want)
		}
		if aws.Int64Value(out.DatasetSyncCount) != 41 || aws.Int64Value(out.Count) != 1024 {
			t.Errorf("query numbers: got sync count %d, count %d, want 41, 1024", aws.Int64Value(out.DatasetSyncCount), aws.Int64Value(out.Count))
		}
		if len(out.Records) != 2 || aws.StringValue(out.Records[0].Value) != "page 2/3" || aws.StringValue(out.Records[1].Value) != "tok+=/" {
			t.Errorf("query strings: got %v, want next token and session token", out.Records)
		}
	})

	t.Run("UpdateRecords body header and timestamps", func(t *testing.T) {
		out, err := c.UpdateRecordsWithContext(ctx, &cognitosync.UpdateRecordsInput{
			IdentityPoolId:   aws.String(poolID),
			IdentityId:       aws.String(identityID),
			DatasetName:      aws.String("settings"),
			DeviceId:         aws.String("device-1"),
			ClientContext:    aws.String("eyJjbGllbnQiOnt9fQ=="),
			SyncSessionToken: aws.String("t"),
			RecordPatches: []*cognitosync.RecordPatch{{
				Op: aws.String("replace"), Key: aws.String("highScore"), Value: aws.String("42"),
				SyncCount: aws.Int64(6), DeviceLastModifiedDate: aws.Time(created),
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Records) != 3 {
			t.Fatalf("records: got %v, want the patch, the client context and the device", out.Records)
		}
		r := out.Records[0]
		if aws.StringValue(r.Key) != "highScore" || aws.Int64Value(r.SyncCount) != 7 || !aws.TimeValue(r.LastModifiedDate).Equal(created) {
			t.Errorf("record: got %v, want highScore, sync count 7, modified %v", r, created)
		}
		if got := aws.StringValue(out.Records[1].Value); got != "eyJjbGllbnQiOnt9fQ==" {
			t.Errorf("client context header: got %q", got)
		}
		if got := aws.StringValue(out.Records[2].Value); got != "device-1" {
			t.Errorf("device id: got %q", got)
		}
	})

	t.Run("RegisterDevice singular identity path", func(t *testing.T) {
		out, err := c.RegisterDeviceWithContext(ctx, &cognitosync.RegisterDeviceInput{
			IdentityPoolId: aws.String(poolID), IdentityId: aws.String(identityID),
			Platform: aws.String("GCM"), Token: aws.String("push-token"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := aws.StringValue(out.DeviceId), poolID+"/"+identityID+"/GCM/push-token"; got != want {
			t.Errorf("device id: got %q, want %q", got, want)
		}
	})

	t.Run("DescribeDataset timestamps", func(t *testing.T) {
		out, err := c.DescribeDatasetWithContext(ctx, &cognitosync.DescribeDatasetInput{
			IdentityPoolId: aws.String(poolID), IdentityId: aws.String(identityID), DatasetName: aws.String("settings"),
		})
		if err != nil {
			t.Fatal(err)
		}
		d := out.Dataset
		if !aws.TimeValue(d.CreationDate).Equal(created) || !aws.TimeValue(d.LastModifiedDate).Equal(created.Add(time.Hour)) ||
			aws.Int64Value(d.NumRecords) != 3 || aws.StringValue(d.IdentityId) != identityID {
			t.Errorf("dataset: got %v, want created %v", d, created)
		}
	})

	errTests := []struct {
		name       string
		call       func() error
		wantCode   string
		wantStatus int
		wantMsg    string
	}{
		{"modeled error with status from model", func() error {
			_, err := c.UpdateRecordsWithContext(ctx, &cognitosync.UpdateRecordsInput{
				IdentityPoolId: aws.String(poolID), IdentityId: aws.String(identityID), DatasetName: aws.String("settings"),
				SyncSessionToken: aws.String("conflict"),
			})
			return err
		}, cognitosync.ErrCodeResourceConflictException, 409, "Current SyncCount for: user is: 1 not: 0"},
		{"not found", func() error {
			_, err := c.DescribeDatasetWithContext(ctx, &cognitosync.DescribeDatasetInput{
				IdentityPoolId: aws.String(poolID), IdentityId: aws.String(identityID), DatasetName: aws.String("missing"),
			})
			return err
		}, cognitosync.ErrCodeResourceNotFoundException, 404, "Dataset missing not found"},
		{"constraint violation", func() error {
			_, err := c.RegisterDeviceWithContext(ctx, &cognitosync.RegisterDeviceInput{
				IdentityPoolId: aws.String(poolID), IdentityId: aws.String(identityID),
				Platform: aws.String("WINDOWS"), Token: aws.String("x"),
			})
			return err
		}, cognitosync.ErrCodeInvalidParameterException, 400,
			"1 validation error detected: Value 'WINDOWS' at 'platform' failed to satisfy constraint: Member must satisfy enum value set: [APNS, APNS_SANDBOX, GCM, ADM]"},
		{"internal error", func() error {
			_, err := c.UpdateRecordsWithContext(ctx, &cognitosync.UpdateRecordsInput{
				IdentityPoolId: aws.String(poolID), IdentityId: aws.String(identityID), DatasetName: aws.String("settings"),
				SyncSessionToken: aws.String("db"),
			})
			return err
		}, cognitosync.ErrCodeInternalErrorException, 500, internalMessage},
		{"unregistered operation", func() error {
			_, err := c.ListDatasetsWithContext(ctx, &cognitosync.ListDatasetsInput{
				IdentityPoolId: aws.String(poolID), IdentityId: aws.String(identityID),
			})
			return err
		}, protocol.CodeUnknownOperation, 404, "Operation ListDatasets is not supported"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var rf awserr.RequestFailure
			if !errors.As(err, &rf) {
				t.Fatalf("got %v, want an AWS request failure", err)
			}
			if rf.Code() != tt.wantCode || rf.StatusCode() != tt.wantStatus || rf.Message() != tt.wantMsg {
				t.Errorf("got %s %d %q, want %s %d %q", rf.Code(), rf.StatusCode(), rf.Message(), tt.wantCode, tt.wantStatus, tt.wantMsg)
			}
		})
	}

	t.Run("wrong secret is refused", func(t *testing.T) {
		bad := cognitosync.New(sess, &aws.Config{Credentials: credentials.NewStaticCredentials(sdkKey, "not-the-secret", "")})
		_, err := bad.ListRecordsWithContext(ctx, &cognitosync.ListRecordsInput{
			IdentityPoolId: aws.String(poolID), IdentityId: aws.String(identityID), DatasetName: aws.String("d"),
		})
		var rf awserr.RequestFailure
		if !errors.As(err, &rf) || rf.Code() != "InvalidSignatureException" || rf.StatusCode() != 403 {
			t.Errorf("got %v, want 403 InvalidSignatureException", err)
		}
	})
}
