package awsemu

import (
	"net/http"
	"sort"
	"sync"
)

// Protocol is the AWS wire protocol a service speaks; it decides how errors and
// throttles are encoded.
type Protocol int

const (
	ProtocolQuery     Protocol = iota // awsquery: STS (XML responses, <ErrorResponse>)
	ProtocolEC2Query                  // ec2query: <Response><Errors><Error>
	ProtocolJSON11                    // awsJson1_1: X-Amz-Target, {"__type","message"}
	ProtocolRESTJSON                  // restJson1: X-Amzn-ErrorType header + JSON body
	ProtocolRESTXML                   // restXml (S3): <Error><Code>
	ProtocolJSON10                    // awsJson1_0 (DynamoDB): as awsJson1_1, content type application/x-amz-json-1.0
	ProtocolRPCv2CBOR                 // rpcv2Cbor (MemoryDB): POST /service/S/operation/Op, CBOR bodies, {"__type","message"} errors
)

// Service is one emulated AWS service. Adding a service is adding a file that
// calls Register in init(); the server routes by the SigV4 credential scope's
// service name, then asks the service for the operation name.
type Service interface {
	// SigningName is the service in the SigV4 credential scope ("sts", "ec2", "s3",
	// "organizations", "account", "ecs", "lambda", "eks").
	SigningName() string
	Protocol() Protocol
	// Operation names the operation of a request (from X-Amz-Target, the Action
	// parameter or the REST path). ok=false answers "unknown operation".
	Operation(r *http.Request, body []byte) (op string, ok bool)
	// Serve answers one authenticated, already fault-checked call.
	Serve(c *Call)
	// ThrottleCode is the protocol's own throttling error code and HTTP status,
	// e.g. ("Throttling", 400) for STS, ("RequestLimitExceeded", 503) for EC2,
	// ("ThrottlingException", 400) for JSON services, ("SlowDown", 503) for S3,
	// ("TooManyRequestsException", 429) for Lambda.
	ThrottleCode() (code string, status int)
}

var (
	registryMu sync.Mutex
	registry   = map[string]Service{}
)

// Register adds a service; called from each service file's init.
func Register(s Service) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[s.SigningName()]; dup {
		panic("awsemu: service registered twice: " + s.SigningName())
	}
	registry[s.SigningName()] = s
}

func lookupService(name string) (Service, bool) {
	registryMu.Lock()
	defer registryMu.Unlock()
	s, ok := registry[name]
	return s, ok
}

// RegisteredServices lists the signing names of every registered service.
func RegisteredServices() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
