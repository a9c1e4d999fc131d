package cognitosync

import "github.com/idpool/idpool/protocol"

// The input and output shapes of the 17 operations. JSON names are exactly
// the model's member names: the REST-JSON codec binds path labels, query
// strings, headers and body members into the inputs by those names and
// encodes the outputs as they are. Output members that AWS leaves out when
// they have no value carry omitempty.

// Dataset is the model's Dataset structure: the metadata of one dataset.
type Dataset struct {
	IdentityId       string         `json:"IdentityId,omitempty"`
	DatasetName      string         `json:"DatasetName,omitempty"`
	CreationDate     *protocol.Time `json:"CreationDate,omitempty"`
	LastModifiedDate *protocol.Time `json:"LastModifiedDate,omitempty"`
	LastModifiedBy   string         `json:"LastModifiedBy,omitempty"`
	DataStorage      int64          `json:"DataStorage"`
	NumRecords       int64          `json:"NumRecords"`
}

// Record is the model's Record structure. A removed record (a tombstone)
// has no Value.
type Record struct {
	Key                    string         `json:"Key"`
	Value                  *string        `json:"Value,omitempty"`
	SyncCount              int64          `json:"SyncCount"`
	LastModifiedDate       *protocol.Time `json:"LastModifiedDate,omitempty"`
	LastModifiedBy         string         `json:"LastModifiedBy,omitempty"`
	DeviceLastModifiedDate *protocol.Time `json:"DeviceLastModifiedDate,omitempty"`
}

// Operations of a RecordPatch.
const (
	OpReplace = "replace"
	OpRemove  = "remove"
)

// RecordPatch is one change of an UpdateRecords call. SyncCount is the
// record's last sync count the client knows (0 for a key it never saw).
type RecordPatch struct {
	Op                     string         `json:"Op"`
	Key                    string         `json:"Key"`
	Value                  *string        `json:"Value,omitempty"`
	SyncCount              int64          `json:"SyncCount"`
	DeviceLastModifiedDate *protocol.Time `json:"DeviceLastModifiedDate,omitempty"`
}

// IdentityPoolUsage is the usage of one pool.
type IdentityPoolUsage struct {
	IdentityPoolId    string         `json:"IdentityPoolId"`
	SyncSessionsCount int64          `json:"SyncSessionsCount"`
	DataStorage       int64          `json:"DataStorage"`
	LastModifiedDate  *protocol.Time `json:"LastModifiedDate,omitempty"`
}

// IdentityUsage is the usage of one identity.
type IdentityUsage struct {
	IdentityId       string         `json:"IdentityId"`
	IdentityPoolId   string         `json:"IdentityPoolId"`
	LastModifiedDate *protocol.Time `json:"LastModifiedDate,omitempty"`
	DatasetCount     int32          `json:"DatasetCount"`
	DataStorage      int64          `json:"DataStorage"`
}

// PushSync is the push-sync configuration of a pool: SNS platform
// applications and the role to publish with.
type PushSync struct {
	ApplicationArns []string `json:"ApplicationArns,omitempty"`
	RoleArn         string   `json:"RoleArn,omitempty"`
}

// Values of CognitoStreams.StreamingStatus.
const (
	StreamingEnabled  = "ENABLED"
	StreamingDisabled = "DISABLED"
)

// CognitoStreams is the Kinesis stream configuration of a pool.
type CognitoStreams struct {
	StreamName      string `json:"StreamName,omitempty"`
	RoleArn         string `json:"RoleArn,omitempty"`
	StreamingStatus string `json:"StreamingStatus,omitempty"`
}

// Values of GetBulkPublishDetailsOutput.BulkPublishStatus.
const (
	BulkNotStarted = "NOT_STARTED"
	BulkInProgress = "IN_PROGRESS"
	BulkFailed     = "FAILED"
	BulkSucceeded  = "SUCCEEDED"
)

// Push platforms of RegisterDevice.
const (
	PlatformAPNS        = "APNS"
	PlatformAPNSSandbox = "APNS_SANDBOX"
	PlatformGCM         = "GCM"
	PlatformADM         = "ADM"
)

// EventSyncTrigger is the only Cognito event type.
const EventSyncTrigger = "SyncTrigger"

// ListIdentityPoolUsageInput is the input of ListIdentityPoolUsage.
type ListIdentityPoolUsageInput struct {
	NextToken  string `json:"NextToken,omitempty"`
	MaxResults *int32 `json:"MaxResults,omitempty"`
}

// ListIdentityPoolUsageOutput is the output of ListIdentityPoolUsage.
// MaxResults is the page size used.
type ListIdentityPoolUsageOutput struct {
	IdentityPoolUsages []IdentityPoolUsage `json:"IdentityPoolUsages"`
	MaxResults         int32               `json:"MaxResults"`
	Count              int32               `json:"Count"`
	NextToken          string              `json:"NextToken,omitempty"`
}

// DescribeIdentityPoolUsageInput is the input of DescribeIdentityPoolUsage.
type DescribeIdentityPoolUsageInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
}

// DescribeIdentityPoolUsageOutput is the output of DescribeIdentityPoolUsage.
type DescribeIdentityPoolUsageOutput struct {
	IdentityPoolUsage IdentityPoolUsage `json:"IdentityPoolUsage"`
}

// DescribeIdentityUsageInput is the input of DescribeIdentityUsage.
type DescribeIdentityUsageInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
	IdentityId     string `json:"IdentityId"`
}

// DescribeIdentityUsageOutput is the output of DescribeIdentityUsage.
type DescribeIdentityUsageOutput struct {
	IdentityUsage IdentityUsage `json:"IdentityUsage"`
}

// ListDatasetsInput is the input of ListDatasets.
type ListDatasetsInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
	IdentityId     string `json:"IdentityId"`
	NextToken      string `json:"NextToken,omitempty"`
	MaxResults     *int32 `json:"MaxResults,omitempty"`
}

// ListDatasetsOutput is the output of ListDatasets.
type ListDatasetsOutput struct {
	Datasets  []Dataset `json:"Datasets"`
	Count     int32     `json:"Count"`
	NextToken string    `json:"NextToken,omitempty"`
}

// DatasetInput names one dataset: the input of DescribeDataset and
// DeleteDataset.
type DatasetInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
	IdentityId     string `json:"IdentityId"`
	DatasetName    string `json:"DatasetName"`
}

// DatasetOutput carries one dataset's metadata: the output of
// DescribeDataset and DeleteDataset.
type DatasetOutput struct {
	Dataset Dataset `json:"Dataset"`
}

// The dataset operations share their shapes.
type (
	DescribeDatasetInput  = DatasetInput
	DescribeDatasetOutput = DatasetOutput
	DeleteDatasetInput    = DatasetInput
	DeleteDatasetOutput   = DatasetOutput
)

// ListRecordsInput is the input of ListRecords. LastSyncCount nil or 0
// asks for every record.
type ListRecordsInput struct {
	IdentityPoolId   string `json:"IdentityPoolId"`
	IdentityId       string `json:"IdentityId"`
	DatasetName      string `json:"DatasetName"`
	LastSyncCount    *int64 `json:"LastSyncCount,omitempty"`
	NextToken        string `json:"NextToken,omitempty"`
	MaxResults       *int32 `json:"MaxResults,omitempty"`
	SyncSessionToken string `json:"SyncSessionToken,omitempty"`
}

// ListRecordsOutput is the output of ListRecords. Records is [] rather
// than absent when there are none, as AWS answers for a new dataset.
type ListRecordsOutput struct {
	Records                               []Record `json:"Records"`
	NextToken                             string   `json:"NextToken,omitempty"`
	Count                                 int32    `json:"Count"`
	DatasetSyncCount                      int64    `json:"DatasetSyncCount"`
	LastModifiedBy                        string   `json:"LastModifiedBy,omitempty"`
	MergedDatasetNames                    []string `json:"MergedDatasetNames,omitempty"`
	DatasetExists                         bool     `json:"DatasetExists"`
	DatasetDeletedAfterRequestedSyncCount bool     `json:"DatasetDeletedAfterRequestedSyncCount"`
	SyncSessionToken                      string   `json:"SyncSessionToken"`
}

// UpdateRecordsInput is the input of UpdateRecords. ClientContext comes
// from the x-amz-Client-Context header; AWS documents it as not
// implemented, and it is ignored.
type UpdateRecordsInput struct {
	IdentityPoolId   string        `json:"IdentityPoolId"`
	IdentityId       string        `json:"IdentityId"`
	DatasetName      string        `json:"DatasetName"`
	DeviceId         string        `json:"DeviceId,omitempty"`
	RecordPatches    []RecordPatch `json:"RecordPatches,omitempty"`
	SyncSessionToken string        `json:"SyncSessionToken"`
	ClientContext    string        `json:"ClientContext,omitempty"`
}

// UpdateRecordsOutput is the output of UpdateRecords: the records the call
// wrote, with their new sync count.
type UpdateRecordsOutput struct {
	Records []Record `json:"Records"`
}

// RegisterDeviceInput is the input of RegisterDevice.
type RegisterDeviceInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
	IdentityId     string `json:"IdentityId"`
	Platform       string `json:"Platform"`
	Token          string `json:"Token"`
}

// RegisterDeviceOutput is the output of RegisterDevice.
type RegisterDeviceOutput struct {
	DeviceId string `json:"DeviceId"`
}

// SubscriptionInput names a device's subscription to a dataset: the input
// of SubscribeToDataset and UnsubscribeFromDataset.
type SubscriptionInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
	IdentityId     string `json:"IdentityId"`
	DatasetName    string `json:"DatasetName"`
	DeviceId       string `json:"DeviceId"`
}

// SubscriptionOutput is empty: the subscription operations have no output.
type SubscriptionOutput struct{}

// The subscription operations share their shapes.
type (
	SubscribeToDatasetInput      = SubscriptionInput
	SubscribeToDatasetOutput     = SubscriptionOutput
	UnsubscribeFromDatasetInput  = SubscriptionInput
	UnsubscribeFromDatasetOutput = SubscriptionOutput
)

// SetIdentityPoolConfigurationInput is the input of
// SetIdentityPoolConfiguration. A member left out keeps what the pool has.
type SetIdentityPoolConfigurationInput struct {
	IdentityPoolId string          `json:"IdentityPoolId"`
	PushSync       *PushSync       `json:"PushSync,omitempty"`
	CognitoStreams *CognitoStreams `json:"CognitoStreams,omitempty"`
}

// PoolConfigurationOutput is a pool's push and stream configuration: the
// output of SetIdentityPoolConfiguration and GetIdentityPoolConfiguration.
type PoolConfigurationOutput struct {
	IdentityPoolId string          `json:"IdentityPoolId"`
	PushSync       *PushSync       `json:"PushSync,omitempty"`
	CognitoStreams *CognitoStreams `json:"CognitoStreams,omitempty"`
}

// PoolInput names a pool: the input of every pool-level operation that
// takes nothing else.
type PoolInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
}

// The pool configuration operations share their shapes.
type (
	SetIdentityPoolConfigurationOutput = PoolConfigurationOutput
	GetIdentityPoolConfigurationInput  = PoolInput
	GetIdentityPoolConfigurationOutput = PoolConfigurationOutput
	GetCognitoEventsInput              = PoolInput
	BulkPublishInput                   = PoolInput
	GetBulkPublishDetailsInput         = PoolInput
)

// SetCognitoEventsInput is the input of SetCognitoEvents. An empty value
// removes its event type; other event types are left as they are.
type SetCognitoEventsInput struct {
	IdentityPoolId string            `json:"IdentityPoolId"`
	Events         map[string]string `json:"Events"`
}

// SetCognitoEventsOutput is empty: the operation has no output.
type SetCognitoEventsOutput struct{}

// GetCognitoEventsOutput is the output of GetCognitoEvents; Events is {}
// rather than absent for a pool without events.
type GetCognitoEventsOutput struct {
	Events map[string]string `json:"Events"`
}

// BulkPublishOutput is the output of BulkPublish.
type BulkPublishOutput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
}

// GetBulkPublishDetailsOutput is the output of GetBulkPublishDetails.
type GetBulkPublishDetailsOutput struct {
	IdentityPoolId          string         `json:"IdentityPoolId"`
	BulkPublishStartTime    *protocol.Time `json:"BulkPublishStartTime,omitempty"`
	BulkPublishCompleteTime *protocol.Time `json:"BulkPublishCompleteTime,omitempty"`
	BulkPublishStatus       string         `json:"BulkPublishStatus"`
	FailureMessage          string         `json:"FailureMessage,omitempty"`
}
