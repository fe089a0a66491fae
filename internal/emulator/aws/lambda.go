package awsemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Lambda speaks restJson1: GET /2015-03-31/functions (ListFunctions, Marker /
// MaxItems paging, at most 50 per page) and GET /2017-03-31/tags/{ARN}
// (ListTags). PascalCase JSON members; errors carry X-Amzn-ErrorType.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::Lambda::Function  Runtime, Handler, MemorySize, Timeout, Role, LastModified
//	  (Lambda's "2006-01-02T15:04:05.000+0000" string), CodeSize, Description, Version,
//	  PackageType, Architectures, CodeSha256, EphemeralStorageSize

type lambdaService struct{}

func init() { Register(lambdaService{}) }

func (lambdaService) SigningName() string { return "lambda" }
func (lambdaService) Protocol() Protocol  { return ProtocolRESTJSON }
func (lambdaService) ThrottleCode() (string, int) {
	return "TooManyRequestsException", http.StatusTooManyRequests
}

const (
	lambdaFunctionsPath = "/2015-03-31/functions"
	lambdaTagsPath      = "/2017-03-31/tags/"
)

func (lambdaService) Operation(r *http.Request, _ []byte) (string, bool) {
	if r.Method != http.MethodGet {
		return "", false
	}
	p := r.URL.Path
	switch {
	case p == lambdaFunctionsPath || p == lambdaFunctionsPath+"/":
		return "ListFunctions", true
	case strings.HasPrefix(p, lambdaTagsPath) && len(p) > len(lambdaTagsPath):
		return "ListTags", true
	}
	return "", false
}

func (lambdaService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListFunctions":
		lambdaListFunctions(c)
	case "ListTags":
		lambdaListTags(c)
	}
}

type lambdaFunction struct {
	FunctionName     string            `json:"FunctionName"`
	FunctionArn      string            `json:"FunctionArn"`
	Runtime          string            `json:"Runtime,omitempty"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler,omitempty"`
	CodeSize         int64             `json:"CodeSize"`
	Description      string            `json:"Description"`
	Timeout          int64             `json:"Timeout"`
	MemorySize       int64             `json:"MemorySize"`
	LastModified     string            `json:"LastModified"`
	CodeSha256       string            `json:"CodeSha256"`
	Version          string            `json:"Version"`
	TracingConfig    map[string]string `json:"TracingConfig"`
	RevisionID       string            `json:"RevisionId"`
	Layers           []any             `json:"Layers"`
	PackageType      string            `json:"PackageType"`
	Architectures    []string          `json:"Architectures"`
	EphemeralStorage map[string]int64  `json:"EphemeralStorage"`
	SnapStart        map[string]string `json:"SnapStart"`
	LoggingConfig    map[string]string `json:"LoggingConfig"`
}

func lambdaARN(c *Call, r *Resource) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":lambda:" + c.Region + ":" + c.AccountID + ":function:" + r.ID
}

func lambdaRender(c *Call, r *Resource) lambdaFunction {
	pkg := svcStr(r, "PackageType", "Zip")
	f := lambdaFunction{
		FunctionName:     r.ID,
		FunctionArn:      lambdaARN(c, r),
		Role:             svcStr(r, "Role", "arn:"+svcPartition(c)+":iam::"+c.AccountID+":role/"+r.ID+"-role"),
		CodeSize:         svcInt(r, "CodeSize", 1024),
		Description:      svcStr(r, "Description", ""),
		Timeout:          svcInt(r, "Timeout", 3),
		MemorySize:       svcInt(r, "MemorySize", 128),
		LastModified:     svcStr(r, "LastModified", svcCreated(r).UTC().Format(LambdaTimeFormat)),
		CodeSha256:       svcStr(r, "CodeSha256", base64Std([]byte(svcHex(32, r.ID, "code")[:24]))),
		Version:          svcStr(r, "Version", "$LATEST"),
		TracingConfig:    map[string]string{"Mode": "PassThrough"},
		RevisionID:       svcUUID(r.ID, svcStr(r, "LastModified", ""), "revision"),
		Layers:           []any{},
		PackageType:      pkg,
		Architectures:    svcStrings(r, "Architectures", []string{"x86_64"}),
		EphemeralStorage: map[string]int64{"Size": svcInt(r, "EphemeralStorageSize", 512)},
		SnapStart:        map[string]string{"ApplyOn": "None", "OptimizationStatus": "Off"},
		LoggingConfig:    map[string]string{"LogFormat": "Text", "LogGroup": "/aws/lambda/" + r.ID},
	}
	// Image functions have neither runtime nor handler.
	if pkg == "Zip" {
		f.Runtime = svcStr(r, "Runtime", "python3.12")
		f.Handler = svcStr(r, "Handler", "app.handler")
	}
	return f
}

func lambdaListFunctions(c *Call) {
	q := c.R.URL.Query()
	size := 50
	if raw := q.Get("MaxItems"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 10000 {
			c.Error(http.StatusBadRequest, "ValidationException",
				"1 validation error detected: Value '"+raw+"' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
			return
		}
		// Lambda returns at most 50 functions per page whatever MaxItems says.
		size = min(n, 50)
	}
	fns := svcResources(c, KindLambdaFunction)
	marker := q.Get("Marker")
	start, end, next, err := Page(len(fns), marker, size, 50)
	if err != nil {
		c.Error(http.StatusBadRequest, "InvalidParameterValueException", "Invalid marker: "+marker)
		return
	}
	out := struct {
		Functions  []lambdaFunction `json:"Functions"`
		NextMarker string           `json:"NextMarker,omitempty"`
	}{Functions: []lambdaFunction{}, NextMarker: next}
	for _, r := range fns[start:end] {
		out.Functions = append(out.Functions, lambdaRender(c, r))
	}
	c.JSON(out)
}

// lambdaParseARN splits arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
func lambdaParseARN(arn string) (region, account, name string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" || parts[6] == "" {
		return "", "", "", false
	}
	return parts[3], parts[4], parts[6], true
}

func lambdaListTags(c *Call) {
	raw := strings.TrimPrefix(c.R.URL.EscapedPath(), lambdaTagsPath)
	arn, err := url.PathUnescape(raw)
	if err != nil {
		arn = raw
	}
	region, account, name, ok := lambdaParseARN(arn)
	if !ok {
		c.Error(http.StatusBadRequest, "ValidationException",
			"1 validation error detected: Value '"+arn+"' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?")
		return
	}
	if account != c.AccountID {
		c.Error(http.StatusForbidden, "AccessDeniedException",
			"User: "+c.Principal+" is not authorized to perform: lambda:ListTags on resource: "+arn+" because no resource-based policy allows the lambda:ListTags action")
		return
	}
	if region == c.Region {
		for _, r := range svcResources(c, KindLambdaFunction) {
			if r.ID == name {
				tags := map[string]string{}
				for k, v := range r.Tags {
					tags[k] = v
				}
				c.JSON(map[string]any{"Tags": tags})
				return
			}
		}
	}
	c.Error(http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+arn)
}
