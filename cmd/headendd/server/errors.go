package server

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/keygen/portal"
	"github.com/asalab/asalab/sim"
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
	{sim.ErrHeadendNotFound, codes.NotFound, "HEADEND_NOT_FOUND"},
	{sim.ErrHostnameTaken, codes.AlreadyExists, "HOSTNAME_TAKEN"},
	{sim.ErrSerialTaken, codes.AlreadyExists, "SERIAL_TAKEN"},
	{sim.ErrClockNotSimulated, codes.FailedPrecondition, "CLOCK_NOT_SIMULATED"},
	{sim.ErrClockBackwards, codes.InvalidArgument, "CLOCK_BACKWARDS"},
	{sim.ErrInvalidArgument, codes.InvalidArgument, "INVALID_ARGUMENT"},
	{sim.ErrExecTooLarge, codes.ResourceExhausted, "EXEC_TOO_LARGE"},
	{headend.ErrUnknownModel, codes.InvalidArgument, "UNKNOWN_MODEL"},
	{headend.ErrModelNotSimulated, codes.InvalidArgument, "MODEL_NOT_SIMULATED"},
	{headend.ErrInvalidHostname, codes.InvalidArgument, "INVALID_HOSTNAME"},
	{headend.ErrInvalidSerial, codes.InvalidArgument, "INVALID_SERIAL"},
	{headend.ErrInvalidUsername, codes.InvalidArgument, "INVALID_USERNAME"},
	{headend.ErrInvalidPassword, codes.InvalidArgument, "INVALID_PASSWORD"},
	{headend.ErrUnsupportedVersion, codes.InvalidArgument, "UNSUPPORTED_VERSION"},
	{keygen.ErrInvalidSerial, codes.InvalidArgument, "INVALID_SERIAL"},
	{keygen.ErrMalformedKey, codes.InvalidArgument, "MALFORMED_ACTIVATION_KEY"},
	{keygen.ErrInvalidKey, codes.InvalidArgument, "INVALID_ACTIVATION_KEY"},
	{headend.ErrNotTimeBased, codes.InvalidArgument, "NOT_TIME_BASED_KEY"},
	{headend.ErrTimeBasedUnsupported, codes.FailedPrecondition, "TIME_BASED_KEY_UNSUPPORTED"},
	{headend.ErrKeyNotInstalled, codes.FailedPrecondition, "KEY_NOT_INSTALLED"},
	{headend.ErrVPNOnlyWithPlusApex, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	{headend.ErrNewWithClassic, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	{headend.ErrUnavailable, codes.Unavailable, "HEADEND_RELOADING"},
	{sim.ErrSessionNotFound, codes.NotFound, "SESSION_NOT_FOUND"},
	{sim.ErrInvalidKind, codes.InvalidArgument, "INVALID_CONNECTION_KIND"},
	{headend.ErrInvalidPrincipal, codes.InvalidArgument, "INVALID_PRINCIPAL"},
	{headend.ErrTooManyPrincipals, codes.ResourceExhausted, "TOO_MANY_PRINCIPALS"},
	// The licensing portal. ErrNotShareable wraps ErrVPNOnlyFixed for VPN
	// Only, so it comes first.
	{portal.ErrUnknownSKU, codes.InvalidArgument, "UNKNOWN_SKU"},
	{portal.ErrUsersOutOfRange, codes.InvalidArgument, "USER_COUNT_OUT_OF_RANGE"},
	{portal.ErrTermOutOfRange, codes.InvalidArgument, "TERM_OUT_OF_RANGE"},
	{portal.ErrStartDate, codes.InvalidArgument, "INVALID_START_DATE"},
	{portal.ErrInvalidOrder, codes.InvalidArgument, "INVALID_ORDER"},
	{portal.ErrPAKInvalid, codes.NotFound, "PAK_INVALID"},
	{portal.ErrPAKInactive, codes.FailedPrecondition, "PAK_INACTIVE"},
	{portal.ErrPAKExhausted, codes.FailedPrecondition, "PAK_EXHAUSTED"},
	{portal.ErrSerialBlank, codes.InvalidArgument, "SERIAL_BLANK"},
	{portal.ErrSerialReturned, codes.FailedPrecondition, "SERIAL_RETURNED"},
	{portal.ErrSameSerial, codes.InvalidArgument, "SAME_SERIAL"},
	{portal.ErrNoLicenses, codes.FailedPrecondition, "NO_LICENSES"},
	{portal.ErrNotOnSource, codes.InvalidArgument, "SKU_NOT_ON_SOURCE"},
	{portal.ErrNotShareable, codes.FailedPrecondition, "NOT_SHAREABLE"},
	{portal.ErrVPNOnlyWithPlusApex, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	{portal.ErrNewWithRetired, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	{portal.ErrVPNOnlyFixed, codes.FailedPrecondition, "LICENSE_CONFLICT"},
	{portal.ErrCodeInvalid, codes.NotFound, "ACTIVATION_CODE_INVALID"},
	{portal.ErrCodeUsed, codes.FailedPrecondition, "ACTIVATION_CODE_USED"},
	{portal.ErrCodeExpired, codes.FailedPrecondition, "ACTIVATION_CODE_EXPIRED"},
	{portal.ErrDemoIssued, codes.AlreadyExists, "DEMO_ALREADY_ISSUED"},
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
	if withInfo, derr := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain}); derr == nil {
		st = withInfo
	}
	return st.Err()
}

// message is the error text without the package prefixes of the domain
// sentinels ("sim: headend not found: ..." reads "headend not found: ...").
func message(err error) string {
	msg := err.Error()
	for _, p := range []string{"sim: ", "headend: ", "keygen: ", "portal: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

// invalid is a bad request field.
func invalid(format string, args ...any) error {
	return toStatus(wrapf(sim.ErrInvalidArgument, format, args...))
}
