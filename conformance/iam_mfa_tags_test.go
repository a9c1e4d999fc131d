package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestIAMMFADeviceTags: a virtual MFA device's tags, given at creation or
// by TagMFADevice, are listed by ListMFADeviceTags (which Terraform's
// aws_iam_virtual_mfa_device reads on every refresh), replaced by a key of
// any case, and removed by UntagMFADevice; a device IAM does not hold is
// NoSuchEntity.
func TestIAMMFADeviceTags(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, false)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	name := uniqueName("mfatags")
	out, err := dev.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	ok(t, err, "CreateVirtualMFADevice")
	serial := out.VirtualMFADevice.SerialNumber
	tags := func(t *testing.T) map[string]string {
		t.Helper()
		got, err := dev.ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: serial})
		ok(t, err, "ListMFADeviceTags")
		m := map[string]string{}
		for _, tg := range got.Tags {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return m
	}
	if got := tags(t); len(got) != 1 || got["team"] != "blue" {
		t.Errorf("tags given at creation: got %v, want team=blue", got)
	}
	_, err = dev.TagMFADevice(ctx, &iam.TagMFADeviceInput{SerialNumber: serial,
		Tags: []iamtypes.Tag{{Key: aws.String("TEAM"), Value: aws.String("red")}, {Key: aws.String("env"), Value: aws.String("ci")}}})
	ok(t, err, "TagMFADevice")
	if got := tags(t); len(got) != 2 || got["env"] != "ci" || got["team"]+got["TEAM"] != "red" {
		t.Errorf("after TagMFADevice: got %v, want team (any case) red and env ci", got)
	}
	_, err = dev.UntagMFADevice(ctx, &iam.UntagMFADeviceInput{SerialNumber: serial, TagKeys: []string{"team", "env"}})
	ok(t, err, "UntagMFADevice")
	if got := tags(t); len(got) != 0 {
		t.Errorf("after UntagMFADevice: got %v, want none", got)
	}
	missing := aws.String("arn:aws:iam::" + s.accountID + ":mfa/" + name + "-gone")
	_, err = dev.ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: missing})
	wantIAMRefusal(t, "ListMFADeviceTags of a missing device", err, "NoSuchEntity", http.StatusNotFound,
		"MFA Device with serial number "+aws.ToString(missing)+" does not exist.")
	_, err = dev.TagMFADevice(ctx, &iam.TagMFADeviceInput{SerialNumber: missing, Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	wantIAMRefusal(t, "TagMFADevice of a missing device", err, "NoSuchEntity", http.StatusNotFound,
		"MFA Device with serial number "+aws.ToString(missing)+" does not exist.")
}
