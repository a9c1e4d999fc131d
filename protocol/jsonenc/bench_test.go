package jsonenc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/idpool/idpool/emulator/cognitosync"
	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/jsonenc"
)

// listRecords is a ListRecords answer of 20 records, the shape whose
// encoding showed in profiles.
func listRecords() *cognitosync.ListRecordsOutput {
	out := &cognitosync.ListRecordsOutput{
		Count:            20,
		DatasetSyncCount: 20,
		LastModifiedBy:   "123456789012",
		DatasetExists:    true,
		SyncSessionToken: "eyJpIjoidXMtZWFzdC0xOjEyMzQ1Njc4LTkwYWItY2RlZi0xMjM0LTU2Nzg5MGFiY2RlZiIsImQiOiJzZXR0aW5ncyJ9",
	}
	for i := range 20 {
		v := fmt.Sprintf("value number %d with some text", i)
		t := protocol.Time(1421516513.393 + float64(i))
		out.Records = append(out.Records, cognitosync.Record{
			Key:                    fmt.Sprintf("key-%02d", i),
			Value:                  &v,
			SyncCount:              int64(i + 1),
			LastModifiedDate:       &t,
			LastModifiedBy:         "123456789012",
			DeviceLastModifiedDate: &t,
		})
	}
	return out
}

func credentials() *identity.GetCredentialsForIdentityOutput {
	return &identity.GetCredentialsForIdentityOutput{
		IdentityId: "us-east-1:12345678-90ab-cdef-1234-567890abcdef",
		Credentials: identity.CredentialsOutput{
			AccessKeyId:  "ASIAIOSFODNN7EXAMPLE",
			SecretKey:    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			SessionToken: string(bytes.Repeat([]byte("AQoDYXdzEJr"), 60)),
			Expiration:   1421516513.393,
		},
	}
}

// BenchmarkEncode compares what the codecs did before (encoding/json's
// Encoder into a reused buffer) with Append into a reused buffer.
func BenchmarkEncode(b *testing.B) {
	for _, bc := range []struct {
		name string
		v    any
	}{
		{"ListRecords20", listRecords()},
		{"GetCredentialsForIdentity", credentials()},
	} {
		b.Run(bc.name+"/encoding_json", func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(bc.v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/jsonenc", func(b *testing.B) {
			var buf []byte
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if buf, err = jsonenc.Append(buf[:0], bc.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
