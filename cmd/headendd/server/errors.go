package server

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/labfile"
	"github.com/asalab/asalab/sim/labs"
	"github.com/asalab/asalab/sim/replay"
	"github.com/asalab/asalab/sim/scenario"
	"github.com/asalab/asalab/sim/twin"
)

// ErrorDomain is the ErrorInfo domain of every asalab error.
const ErrorDomain = "asalab"

// errorMapping maps a domain error to a status code and an ErrorInfo reason.
type errorMapping struct {
	err    error
	code   codes.Code
	reason string
}

// errorTable is the one place where domain errors become gRPC statuses, each
// with an ErrorInfo reason (domain "asalab") that clients match on. The
// first entry that matches with errors.Is wins.
var errorTable = []errorMapping{
	{sim.ErrLabNotFound, codes.NotFound, "LAB_NOT_FOUND"},
	// The daemon's set of labs.
	{labs.ErrLabExists, codes.AlreadyExists, "LAB_EXISTS"},
	{labs.ErrBadLabName, codes.InvalidArgument, "BAD_LAB_NAME"},
	{labs.ErrDefaultLab, codes.FailedPrecondition, "DEFAULT_LAB"},
	{sim.ErrHeadendNotFound, codes.NotFound, "HEADEND_NOT_FOUND"},
	{sim.ErrHostnameTaken, codes.AlreadyExists, "HOSTNAME_TAKEN"},
	{sim.ErrSerialTaken, codes.AlreadyExists, "SERIAL_TAKEN"},
	{sim.ErrClockNotSimulated, codes.FailedPrecondition, "CLOCK_NOT_SIMULATED"},
	{sim.ErrClockBackwards, codes.InvalidArgument, "CLOCK_BACKWARDS"},
	{sim.ErrInvalidArgument, codes.InvalidArgument, "INVALID_ARGUMENT"},
	{sim.ErrExecTooLarge, codes.ResourceExhausted, "EXEC_TOO_LARGE"},
	{sim.ErrUnknownModel, codes.InvalidArgument, "UNKNOWN_MODEL"},
	{sim.ErrModelNotSimulated, codes.InvalidArgument, "MODEL_NOT_SIMULATED"},
	{sim.ErrInvalidHostname, codes.InvalidArgument, "INVALID_HOSTNAME"},
	{sim.ErrInvalidSerial, codes.InvalidArgument, "INVALID_SERIAL"},
	{sim.ErrInvalidUsername, codes.InvalidArgument, "INVALID_USERNAME"},
	{sim.ErrInvalidPassword, codes.InvalidArgument, "INVALID_PASSWORD"},
	{sim.ErrUnsupportedVersion, codes.InvalidArgument, "UNSUPPORTED_VERSION"},
	{sim.ErrKeySerial, codes.InvalidArgument, "INVALID_SERIAL"},
	{sim.ErrMalformedKey, codes.InvalidArgument, "MALFORMED_ACTIVATION_KEY"},
	{sim.ErrInvalidKey, codes.InvalidArgument, "INVALID_ACTIVATION_KEY"},
	{sim.ErrNotTimeBased, codes.InvalidArgument, "NOT_TIME_BASED_KEY"},
	{sim.ErrTimeBasedUnsupported, codes.FailedPrecondition, "TIME_BASED_KEY_UNSUPPORTED"},
	{sim.ErrKeyNotInstalled, codes.FailedPrecondition, "KEY_NOT_INSTALLED"},
	{sim.ErrVPNOnlyWithPlusApex, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	{sim.ErrNewWithClassic, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	// ErrPoweredOff is also ErrUnavailable, so it comes first.
	{sim.ErrPoweredOff, codes.Unavailable, "HEADEND_POWERED_OFF"},
	{sim.ErrUnavailable, codes.Unavailable, "HEADEND_RELOADING"},
	{sim.ErrNotSupported, codes.FailedPrecondition, "NOT_SUPPORTED_BY_FAMILY"},
	{sim.ErrFailoverOff, codes.FailedPrecondition, "FAILOVER_NOT_ENABLED"},
	{sim.ErrNoMate, codes.FailedPrecondition, "FAILOVER_MATE_NOT_SEEN"},
	{sim.ErrSessionNotFound, codes.NotFound, "SESSION_NOT_FOUND"},
	{sim.ErrInvalidKind, codes.InvalidArgument, "INVALID_CONNECTION_KIND"},
	{sim.ErrInvalidPrincipal, codes.InvalidArgument, "INVALID_PRINCIPAL"},
	// Files on a headend's flash.
	{sim.ErrFileName, codes.InvalidArgument, "INVALID_FILE_NAME"},
	{sim.ErrFileTooLarge, codes.InvalidArgument, "FILE_TOO_LARGE"},
	{sim.ErrFlashFull, codes.ResourceExhausted, "FLASH_FULL"},
	{sim.ErrFileNotFound, codes.NotFound, "FILE_NOT_FOUND"},
	{sim.ErrTooManyPrincipals, codes.ResourceExhausted, "TOO_MANY_PRINCIPALS"},
	// The licensing portal. ErrNotShareable wraps ErrVPNOnlyFixed for VPN
	// Only, so it comes first.
	{sim.ErrUnknownSKU, codes.InvalidArgument, "UNKNOWN_SKU"},
	{sim.ErrUsersOutOfRange, codes.InvalidArgument, "USER_COUNT_OUT_OF_RANGE"},
	{sim.ErrTermOutOfRange, codes.InvalidArgument, "TERM_OUT_OF_RANGE"},
	{sim.ErrStartDate, codes.InvalidArgument, "INVALID_START_DATE"},
	{sim.ErrInvalidOrder, codes.InvalidArgument, "INVALID_ORDER"},
	{sim.ErrPAKInvalid, codes.NotFound, "PAK_INVALID"},
	{sim.ErrPAKInactive, codes.FailedPrecondition, "PAK_INACTIVE"},
	{sim.ErrPAKExhausted, codes.FailedPrecondition, "PAK_EXHAUSTED"},
	{sim.ErrSerialBlank, codes.InvalidArgument, "SERIAL_BLANK"},
	{sim.ErrSerialReturned, codes.FailedPrecondition, "SERIAL_RETURNED"},
	{sim.ErrASAvSerial, codes.FailedPrecondition, "ASAV_SMART_LICENSED"},
	{sim.ErrSameSerial, codes.InvalidArgument, "SAME_SERIAL"},
	{sim.ErrNoLicenses, codes.FailedPrecondition, "NO_LICENSES"},
	{sim.ErrNotOnSource, codes.InvalidArgument, "SKU_NOT_ON_SOURCE"},
	{sim.ErrNotShareable, codes.FailedPrecondition, "NOT_SHAREABLE"},
	// ErrMigrationRequired joins ErrPortalNewWithRetired where migrate
	// would have registered the PAK, so it comes first.
	{sim.ErrMigrationRequired, codes.FailedPrecondition, "MIGRATION_REQUIRED"},
	{sim.ErrMigrateToRetired, codes.InvalidArgument, "MIGRATE_TO_RETIRED"},
	{sim.ErrPortalVPNOnlyWithPlusApex, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	{sim.ErrPortalNewWithRetired, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	{sim.ErrVPNOnlyFixed, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	{sim.ErrCodeInvalid, codes.NotFound, "ACTIVATION_CODE_INVALID"},
	{sim.ErrCodeUsed, codes.FailedPrecondition, "ACTIVATION_CODE_USED"},
	{sim.ErrCodeExpired, codes.FailedPrecondition, "ACTIVATION_CODE_EXPIRED"},
	{sim.ErrDemoIssued, codes.AlreadyExists, "DEMO_ALREADY_ISSUED"},
	// IOS licenses of the portal.
	{sim.ErrUDIRequired, codes.InvalidArgument, "UDI_REQUIRED"},
	{sim.ErrUDIForASA, codes.InvalidArgument, "NOT_AN_IOS_LICENSE"},
	{sim.ErrAnyConnectIOS, codes.InvalidArgument, "ANYCONNECT_NOT_FOR_IOS"},
	{sim.ErrInvalidUDI, codes.InvalidArgument, "INVALID_UDI"},
	{sim.ErrIOSPlatform, codes.InvalidArgument, "LICENSE_NOT_FOR_PLATFORM"},
	// The Smart Software Manager.
	{sim.ErrSmartInvalidName, codes.InvalidArgument, "INVALID_NAME"},
	{sim.ErrSmartAccountExists, codes.AlreadyExists, "SMART_ACCOUNT_EXISTS"},
	{sim.ErrSmartUnknownAccount, codes.NotFound, "SMART_ACCOUNT_NOT_FOUND"},
	{sim.ErrSmartUnknownVirtualAccount, codes.NotFound, "VIRTUAL_ACCOUNT_NOT_FOUND"},
	{sim.ErrSmartUnknownTag, codes.InvalidArgument, "UNKNOWN_ENTITLEMENT_TAG"},
	{sim.ErrSmartCountOutOfRange, codes.InvalidArgument, "COUNT_OUT_OF_RANGE"},
	{sim.ErrSmartDaysOutOfRange, codes.InvalidArgument, "DAYS_OUT_OF_RANGE"},
	{sim.ErrSmartEndDate, codes.InvalidArgument, "INVALID_END_DATE"},
	{sim.ErrSmartInvalidUDI, codes.InvalidArgument, "INVALID_UDI"},
	{sim.ErrSmartNotRegistered, codes.FailedPrecondition, "NOT_REGISTERED"},
	{sim.ErrSmartRequestCode, codes.InvalidArgument, "INVALID_REQUEST_CODE"},
	{sim.ErrSmartReserved, codes.AlreadyExists, "ALREADY_RESERVED"},
	{sim.ErrSmartAlreadyRegistered, codes.AlreadyExists, "ALREADY_REGISTERED"},
	{sim.ErrSmartInsufficientLicenses, codes.FailedPrecondition, "INSUFFICIENT_LICENSES"},
	{sim.ErrSmartTagRequired, codes.InvalidArgument, "ENTITLEMENT_TAG_REQUIRED"},
	{sim.ErrSmartTokenInvalid, codes.NotFound, "SMART_TOKEN_INVALID"},
	{sim.ErrSmartTokenExpired, codes.FailedPrecondition, "SMART_TOKEN_EXPIRED"},
	{sim.ErrSmartTokenRevoked, codes.FailedPrecondition, "SMART_TOKEN_REVOKED"},
	{sim.ErrSmartTokenUsedUp, codes.FailedPrecondition, "SMART_TOKEN_USED_UP"},
	// Lab faults.
	{sim.ErrLinkAlreadyCut, codes.FailedPrecondition, "LINK_ALREADY_CUT"},
	{sim.ErrLinkNotCut, codes.FailedPrecondition, "LINK_NOT_CUT"},
	{sim.ErrAlreadyPoweredOff, codes.FailedPrecondition, "ALREADY_POWERED_OFF"},
	{sim.ErrAlreadyPoweredOn, codes.FailedPrecondition, "ALREADY_POWERED_ON"},
	// Training scenarios.
	{scenario.ErrNotFound, codes.NotFound, "SCENARIO_NOT_FOUND"},
	{scenario.ErrNotRunning, codes.FailedPrecondition, "SCENARIO_NOT_RUNNING"},
	{scenario.ErrAlreadyRunning, codes.FailedPrecondition, "SCENARIO_RUNNING"},
	{scenario.ErrLabNotEmpty, codes.FailedPrecondition, "SCENARIO_LAB_NOT_EMPTY"},
	{scenario.ErrNoMoreHints, codes.FailedPrecondition, "SCENARIO_NO_MORE_HINTS"},
	{scenario.ErrInvalidScenario, codes.Internal, "SCENARIO_INVALID"},
	// The fidelity replay.
	{replay.ErrNoPrompt, codes.InvalidArgument, "TRANSCRIPT_INVALID"},
	{replay.ErrStartMode, codes.InvalidArgument, "TRANSCRIPT_INVALID"},
	{replay.ErrNotBareOutput, codes.InvalidArgument, "TRANSCRIPT_INVALID"},
	{replay.ErrInvalidIgnore, codes.InvalidArgument, "IGNORE_PATTERN_INVALID"},
	{replay.ErrTooLarge, codes.ResourceExhausted, "REPLAY_TOO_LARGE"},
	// Lab files.
	{labfile.ErrInvalid, codes.InvalidArgument, "LAB_FILE_INVALID"},
	// Twins of real boxes.
	{twin.ErrNotShowVersion, codes.InvalidArgument, "NOT_SHOW_VERSION"},
	{twin.ErrUnknownModel, codes.InvalidArgument, "UNKNOWN_MODEL"},
	{twin.ErrNotActivationKeyModel, codes.InvalidArgument, "NOT_ACTIVATION_KEY_MODEL"},
	{twin.ErrUnknownFeatureLine, codes.InvalidArgument, "UNKNOWN_FEATURE_LINE"},
	{twin.ErrCaptureMismatch, codes.InvalidArgument, "CAPTURE_MISMATCH"},
	{twin.ErrNotReproducible, codes.InvalidArgument, "NOT_REPRODUCIBLE"},
}

// toStatus turns a domain error into a gRPC status error with an ErrorInfo.
// Context errors pass through as their own codes; anything unknown is
// Internal.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	code, reason := codes.Internal, "INTERNAL"
	for _, m := range errorTable {
		if errors.Is(err, m.err) {
			code, reason = m.code, m.reason
			break
		}
	}
	st := status.New(code, message(err))
	info := &errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain}
	// A lab file's error says where, for a client to point at the line.
	if fe := (*labfile.Error)(nil); errors.As(err, &fe) {
		info.Metadata = map[string]string{"file": fe.File, "line": strconv.Itoa(fe.Line), "field": fe.Field}
	}
	if withInfo, derr := st.WithDetails(info); derr == nil {
		st = withInfo
	}
	return st.Err()
}

// message is the error text without the package prefixes of the domain
// sentinels ("sim: headend not found: ..." reads "headend not found: ...").
func message(err error) string {
	msg := err.Error()
	for _, p := range []string{"sim: ", "headend: ", "keygen: ", "portal: ", "smart: ", "twin: ", "labs: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

// invalid is a bad request field.
func invalid(format string, args ...any) error {
	return toStatus(wrapf(sim.ErrInvalidArgument, format, args...))
}
