package tokens

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// awsUSEast11N is the n of the key us-east-11 in Cognito Identity's key set
// (https://cognito-identity.amazonaws.com/.well-known/jwks_uri) as it was
// on 25 February 2020, copied in lestrrat-go/jwx's jwk/jwk_test.go
// (TestGitHubIssue136): padded standard base64 of the modulus after a zero
// byte.
const awsUSEast11N = "AIvLE/h4h9XdAVyy0C7fn1ZXZ3Gt6YT2LPsHsoCUGgPAVJnLJjPRj3dSI2UmlWaLacSoHYeFABfxj8YROnE9fpiGto5LcdyfuRKET9Nv5UaZp0kMSSoF7wXinp07ACUbn+ZE3ImQR16r1/Q/j3AD4CmN7gVjk5+EZzVCTQtAzJZJ8/EgCPFE4YA0Q2UgFtBjZnt4SI8TljikBqUmNDVKyjh2yI+m4fQO/LZOEaI/aGOWYen4RrO+/3hTYk73b+oFCPnIp1sLNUmdAHzjIgWYCC2qBwC+tRWi7065ea2KYj+kNNFevXFYMrph3U1mxqDZSzIOvEXIlZqlhOoOc5NmWMc="

// rfcUSEast11N is the same modulus as RFC 7518 requires it: unpadded
// base64url, without the zero byte.
const rfcUSEast11N = "i8sT-HiH1d0BXLLQLt-fVldnca3phPYs-weygJQaA8BUmcsmM9GPd1IjZSaVZotpxKgdh4UAF_GPxhE6cT1-mIa2jktx3J-5EoRP02_lRpmnSQxJKgXvBeKenTsAJRuf5kTciZBHXqvX9D-PcAPgKY3uBWOTn4RnNUJNC0DMlknz8SAI8UThgDRDZSAW0GNme3hIjxOWOKQGpSY0NUrKOHbIj6bh9A78tk4Roj9oY5Zh6fhGs77_eFNiTvdv6gUI-cinWws1SZ0AfOMiBZgILaoHAL61FaLvTrl5rYpiP6Q00V69cVgyumHdTWbGoNlLMg68RciVmqWE6g5zk2ZYxw"

// awsKey returns AWS's key us-east-11 of 2020 as a key of the ring.
func awsKey(t *testing.T) *key {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(awsUSEast11N)
	if err != nil {
		t.Fatal(err)
	}
	return &key{id: "us-east-11", pub: &rsa.PublicKey{N: new(big.Int).SetBytes(b), E: 65537}}
}

// TestMarshalJWKSEncoding: the aws encoding reproduces byte for byte the
// entry of Cognito Identity's 2020 key set for the same key, and the rfc
// one (also the zero value) is RFC 7518's. A modulus whose first bit is
// clear gets no zero byte in the aws form.
func TestMarshalJWKSEncoding(t *testing.T) {
	small := &key{id: "k", pub: &rsa.PublicKey{N: new(big.Int).SetBytes([]byte{0x7f, 0xff, 0xfb, 0xff}), E: 65537}}
	tests := []struct {
		name string
		key  *key
		enc  JWKSEncoding
		want string
	}{
		{"aws, AWS's own key", awsKey(t), JWKSEncodingAWS,
			`{"keys":[{"kty":"RSA","alg":"RS512","use":"sig","kid":"us-east-11","n":"` + awsUSEast11N + `","e":"AQAB"}]}`},
		{"rfc, AWS's own key", awsKey(t), JWKSEncodingRFC,
			`{"keys":[{"kty":"RSA","alg":"RS512","use":"sig","kid":"us-east-11","n":"` + rfcUSEast11N + `","e":"AQAB"}]}`},
		{"zero value is rfc", awsKey(t), "",
			`{"keys":[{"kty":"RSA","alg":"RS512","use":"sig","kid":"us-east-11","n":"` + rfcUSEast11N + `","e":"AQAB"}]}`},
		{"aws, high bit clear", small, JWKSEncodingAWS,
			`{"keys":[{"kty":"RSA","alg":"RS512","use":"sig","kid":"k","n":"f//7/w==","e":"AQAB"}]}`},
		{"rfc, high bit clear", small, JWKSEncodingRFC,
			`{"keys":[{"kty":"RSA","alg":"RS512","use":"sig","kid":"k","n":"f__7_w","e":"AQAB"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := marshalJWKS([]*key{tt.key}, tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got %s, want %s", b, tt.want)
			}
		})
	}
}

// TestGoJoseRefusesAWSEncoding shows why the aws encoding exists: go-jose,
// which go-oidc and keyfunc decode key sets with, refuses AWS's form of the
// key set ("illegal base64 data"), so a Go verifier that passes against
// idpool's default form can fail against AWS.
func TestGoJoseRefusesAWSEncoding(t *testing.T) {
	tests := []struct {
		enc     JWKSEncoding
		wantErr bool
	}{
		{JWKSEncodingRFC, false},
		{JWKSEncodingAWS, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.enc), func(t *testing.T) {
			b, err := marshalJWKS([]*key{awsKey(t)}, tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			var set jose.JSONWebKeySet
			err = json.Unmarshal(b, &set)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("go-jose unmarshal: got error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if pub, ok := set.Keys[0].Key.(*rsa.PublicKey); !ok || pub.N.Cmp(awsKey(t).pub.N) != 0 {
				t.Errorf("go-jose key: got %v, want AWS's modulus", set.Keys[0].Key)
			}
		})
	}
}

// TestIssuerAWSEncoding: an Issuer configured for the aws encoding
// publishes every key in it, also after a rotation, and the published
// keys, decoded as AWS's form must be, verify its tokens.
func TestIssuerAWSEncoding(t *testing.T) {
	ctx := context.Background()
	i, _, c := newIssuer(t, Config{JWKSEncoding: JWKSEncodingAWS})
	if err := i.Rotate(ctx); err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	b, err := i.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []struct{ Kid, N, E string } `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatalf("got %s: %v", b, err)
	}
	if len(set.Keys) != 2 {
		t.Fatalf("got %d keys, want 2 (the rotated-out one kept)", len(set.Keys))
	}
	pubs := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		n, err := base64.StdEncoding.Strict().DecodeString(k.N)
		if err != nil || len(n) != keyBits/8+1 || n[0] != 0 || !strings.HasSuffix(k.N, "=") {
			t.Errorf("key %s n %q: got %d bytes (%v), want 257 bytes of padded standard base64 starting with a zero byte", k.Kid, k.N, len(n), err)
			continue
		}
		if k.E != "AQAB" {
			t.Errorf("key %s e: got %q, want AQAB", k.Kid, k.E)
		}
		pubs[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}
	}

	tok, err := i.Sign(ctx, Claims{Subject: identityID, Audience: poolID, Expiry: c.Now().Add(time.Hour)})
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	segs := strings.Split(tok, ".")
	kid, _ := decodeSegment(t, segs[0])["kid"].(string)
	pub := pubs[kid]
	if pub == nil {
		t.Fatalf("token kid %q: not in the key set %s", kid, b)
	}
	digest := sha512.Sum512([]byte(segs[0] + "." + segs[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA512, digest[:], mustDecode(t, segs[2])); err != nil {
		t.Errorf("verify with the published key %s: %v", kid, err)
	}
}

// TestNewRefusesUnknownEncoding: an encoding other than rfc and aws stops
// New rather than publishing a key set no one asked for.
func TestNewRefusesUnknownEncoding(t *testing.T) {
	_, err := New(context.Background(), &fakeStore{}, Config{JWKSEncoding: "base64"}, nil, rand.Reader, nil)
	if err == nil || !strings.Contains(err.Error(), `"base64"`) {
		t.Errorf("got %v, want an error naming \"base64\"", err)
	}
}
