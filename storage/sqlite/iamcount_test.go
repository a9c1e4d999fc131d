package sqlite

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idpool/idpool/storage"
)

// BenchmarkCountIAM measures what IAM's quota check adds to CreateRole:
// a CountIAM of the roles, with up to five times as many roles as the
// default quota allows, each with a trust policy, a tag and an inline
// policy of a realistic size.
func BenchmarkCountIAM(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprint(n, " roles"), func(b *testing.B) {
			s := openFile(b, filepath.Join(b.TempDir(), "idpool.db"))
			defer s.Close()
			ctx := b.Context()
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 200) + `/*"}]}`
			if err := s.Update(ctx, func(tx storage.Tx) error {
				for i := range n {
					name := fmt.Sprint("role-", i)
					r := storage.Role{Name: name, Path: "/", ID: "AROA" + name, ARN: "arn:aws:iam::123456789012:role/" + name,
						AssumeRolePolicy: doc, Tags: []storage.Tag{{Key: "team", Value: "id"}}, Policies: map[string]string{"p": doc}}
					if err := tx.CreateRole(ctx, r); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				got, err := s.CountIAM(ctx, storage.KindRole)
				if err != nil || got != n {
					b.Fatalf("CountIAM: got %d, %v, want %d, nil", got, err, n)
				}
			}
		})
	}
}
