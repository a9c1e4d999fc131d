// Package restxml answers requests of Amazon S3, a REST-XML service idpool
// does not emulate, in the one shape S3's clients read: every request is
// refused with an XML error body. It exists for clients of S3 that a
// global AWS_ENDPOINT_URL sent to idpool: the JSON error the other codecs
// write is text S3's XML parser cannot read, so those clients showed no
// more than the status line ("405 Method Not Allowed").
//
// The code is S3's NotImplemented, S3's own code for functionality a
// server does not implement and the one S3-compatible servers (MinIO,
// Ceph, Apache Ozone) answer for an S3 operation they lack, so code that
// handles S3 errors knows it. Its status is 400, not S3's 501: idpool
// answers a client's mistake with a 4xx, always (its fuzz tests hold it
// to that), and no SDK retries a 400 either. S3's own message for it
// names a header; idpool's names what it emulates and the endpoint
// setting that sent the client here instead.
package restxml
