package jsonenc_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/cognitosync"
	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/sts"
)

// outputs holds a value of every output type of the services whose
// outputs go through jsonenc (and STS's, which share their shapes' style),
// by package directory and type name.
var outputs = map[string]map[string]any{
	"../../emulator/identity": {
		"CreateIdentityPoolOutput":                 identity.CreateIdentityPoolOutput{},
		"DescribeIdentityPoolOutput":               identity.DescribeIdentityPoolOutput{},
		"UpdateIdentityPoolOutput":                 identity.UpdateIdentityPoolOutput{},
		"DeleteIdentityPoolOutput":                 identity.DeleteIdentityPoolOutput{},
		"ListIdentityPoolsOutput":                  identity.ListIdentityPoolsOutput{},
		"TagResourceOutput":                        identity.TagResourceOutput{},
		"UntagResourceOutput":                      identity.UntagResourceOutput{},
		"ListTagsForResourceOutput":                identity.ListTagsForResourceOutput{},
		"SetIdentityPoolRolesOutput":               identity.SetIdentityPoolRolesOutput{},
		"GetIdentityPoolRolesOutput":               identity.GetIdentityPoolRolesOutput{},
		"SetPrincipalTagAttributeMapOutput":        identity.SetPrincipalTagAttributeMapOutput{},
		"GetPrincipalTagAttributeMapOutput":        identity.GetPrincipalTagAttributeMapOutput{},
		"GetIdOutput":                              identity.GetIdOutput{},
		"GetOpenIdTokenOutput":                     identity.GetOpenIdTokenOutput{},
		"GetOpenIdTokenForDeveloperIdentityOutput": identity.GetOpenIdTokenForDeveloperIdentityOutput{},
		"CredentialsOutput":                        identity.CredentialsOutput{},
		"GetCredentialsForIdentityOutput":          identity.GetCredentialsForIdentityOutput{},
		"UnlinkIdentityOutput":                     identity.UnlinkIdentityOutput{},
		"DescribeIdentityOutput":                   identity.DescribeIdentityOutput{},
		"ListIdentitiesOutput":                     identity.ListIdentitiesOutput{},
		"DeleteIdentitiesOutput":                   identity.DeleteIdentitiesOutput{},
		"LookupDeveloperIdentityOutput":            identity.LookupDeveloperIdentityOutput{},
		"MergeDeveloperIdentitiesOutput":           identity.MergeDeveloperIdentitiesOutput{},
		"UnlinkDeveloperIdentityOutput":            identity.UnlinkDeveloperIdentityOutput{},
	},
	"../../emulator/cognitosync": {
		"ListIdentityPoolUsageOutput":        cognitosync.ListIdentityPoolUsageOutput{},
		"DescribeIdentityPoolUsageOutput":    cognitosync.DescribeIdentityPoolUsageOutput{},
		"DescribeIdentityUsageOutput":        cognitosync.DescribeIdentityUsageOutput{},
		"ListDatasetsOutput":                 cognitosync.ListDatasetsOutput{},
		"DatasetOutput":                      cognitosync.DatasetOutput{},
		"DescribeDatasetOutput":              cognitosync.DescribeDatasetOutput{},
		"DeleteDatasetOutput":                cognitosync.DeleteDatasetOutput{},
		"ListRecordsOutput":                  cognitosync.ListRecordsOutput{},
		"UpdateRecordsOutput":                cognitosync.UpdateRecordsOutput{},
		"RegisterDeviceOutput":               cognitosync.RegisterDeviceOutput{},
		"SubscriptionOutput":                 cognitosync.SubscriptionOutput{},
		"SubscribeToDatasetOutput":           cognitosync.SubscribeToDatasetOutput{},
		"UnsubscribeFromDatasetOutput":       cognitosync.UnsubscribeFromDatasetOutput{},
		"GetIdentityPoolConfigurationOutput": cognitosync.GetIdentityPoolConfigurationOutput{},
		"SetIdentityPoolConfigurationOutput": cognitosync.SetIdentityPoolConfigurationOutput{},
		"PoolConfigurationOutput":            cognitosync.PoolConfigurationOutput{},
		"SetCognitoEventsOutput":             cognitosync.SetCognitoEventsOutput{},
		"GetCognitoEventsOutput":             cognitosync.GetCognitoEventsOutput{},
		"BulkPublishOutput":                  cognitosync.BulkPublishOutput{},
		"GetBulkPublishDetailsOutput":        cognitosync.GetBulkPublishDetailsOutput{},
	},
	"../../emulator/sts": {
		"AssumeRoleWithWebIdentityOutput": sts.AssumeRoleWithWebIdentityOutput{},
		"AssumeRoleOutput":                sts.AssumeRoleOutput{},
		"GetCallerIdentityOutput":         sts.GetCallerIdentityOutput{},
		"GetSessionTokenOutput":           sts.GetSessionTokenOutput{},
	},
}

// TestOutputsListed keeps outputs complete: every type whose name ends in
// Output in a service's types.go must be in it.
func TestOutputsListed(t *testing.T) {
	for dir, listed := range outputs {
		t.Run(dir, func(t *testing.T) {
			f, err := parser.ParseFile(token.NewFileSet(), dir+"/types.go", nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			var declared []string
			ast.Inspect(f, func(n ast.Node) bool {
				if ts, ok := n.(*ast.TypeSpec); ok && strings.HasSuffix(ts.Name.Name, "Output") {
					declared = append(declared, ts.Name.Name)
				}
				return true
			})
			if len(declared) == 0 {
				t.Fatal("got no output types, want some")
			}
			for _, name := range declared {
				if _, ok := listed[name]; !ok {
					t.Errorf("got output type %s not listed in outputs, want every output listed", name)
				}
			}
			for name := range listed {
				if !slices.Contains(declared, name) {
					t.Errorf("got %s listed, want only types declared in %s/types.go", name, dir)
				}
			}
		})
	}
}

// TestOutputs encodes every output type, zero and filled in, as the
// codecs pass it (a pointer), and compares with encoding/json.
func TestOutputs(t *testing.T) {
	for dir, listed := range outputs {
		for name, zero := range listed {
			t.Run(dir[strings.LastIndexByte(dir, '/')+1:]+"/"+name, func(t *testing.T) {
				typ := reflect.TypeOf(zero)
				checkSame(t, reflect.New(typ).Interface())
				for seed := range 3 {
					v := reflect.New(typ)
					fill(v.Elem(), seed)
					checkSame(t, v.Interface())
				}
			})
		}
	}
}

// fill sets every settable field of v, recursively, to a non-zero value
// that varies with seed: strings that need escaping, floats in and out of
// encoding/json's plain range, two-element slices and maps of several
// keys. Seed 2 leaves optional (pointer) members nil.
func fill(v reflect.Value, seed int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString([]string{"plain", "q\"uote\\ <b>&\n\u2028é", "\x01\xff日本"}[seed%3])
	case reflect.Bool:
		v.SetBool(seed%2 == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt([]int64{1, -17, 1 << 30}[seed%3])
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(seed + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat([]float64{1421516513.393, 1e21 + float64(seed), 1.5e-7}[seed%3])
	case reflect.Pointer:
		if seed == 2 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), seed)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), seed+i)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 3 {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString(fmt.Sprintf("%c-key%d", "zaé"[i], seed))
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, seed+i)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), seed)
			}
		}
	default:
		panic(fmt.Sprintf("fill: no rule for %v", v.Type()))
	}
}
