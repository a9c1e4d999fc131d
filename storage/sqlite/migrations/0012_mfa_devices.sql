-- 0012: IAM virtual MFA devices (CreateVirtualMFADevice), one JSON object
-- each (see iam.go) under its serial number, the device's ARN. The user a
-- device is assigned to is named in the JSON: IAM refuses to delete a user
-- holding a device, so no foreign key cascades.

CREATE TABLE iam_mfa_devices (
    serial TEXT NOT NULL PRIMARY KEY,
    data   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
