{{/* Names and labels. */}}
{{- define "aws-port-sync.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aws-port-sync.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The schedule hook Job: its name becomes the job-name label of its pods, and
label values stop at 63 characters, so the fullname is cut to leave room.
*/}}
{{- define "aws-port-sync.scheduleJobName" -}}
{{- printf "%s-ensure-schedule" (include "aws-port-sync.fullname" . | trunc 47 | trimSuffix "-") -}}
{{- end -}}

{{- define "aws-port-sync.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aws-port-sync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "aws-port-sync.labels" -}}
{{ include "aws-port-sync.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "aws-port-sync.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}

{{/*
Service account: Port's install command passes podServiceAccount.name for an
account that already exists (created and annotated for IRSA beforehand), so a
given name means "use it" unless podServiceAccount.create is explicitly true.
*/}}
{{- define "aws-port-sync.createServiceAccount" -}}
{{- if kindIs "bool" .Values.podServiceAccount.create -}}
{{- if .Values.podServiceAccount.create }}true{{ end -}}
{{- else if not .Values.podServiceAccount.name -}}
true
{{- end -}}
{{- end -}}

{{- define "aws-port-sync.serviceAccountName" -}}
{{- default (include "aws-port-sync.fullname" .) .Values.podServiceAccount.name -}}
{{- end -}}

{{/*
The created service account's annotations: podServiceAccount.annotations plus
eks.amazonaws.com/role-arn from podServiceAccount.roleArn, once (the two
spellings of the IRSA role must agree).
*/}}
{{- define "aws-port-sync.serviceAccountAnnotations" -}}
{{- $annotations := deepCopy (.Values.podServiceAccount.annotations | default dict) -}}
{{- with .Values.podServiceAccount.roleArn -}}
{{- $given := get $annotations "eks.amazonaws.com/role-arn" -}}
{{- if and $given (ne $given .) -}}
{{- fail (printf "podServiceAccount.roleArn (%s) and the eks.amazonaws.com/role-arn annotation in podServiceAccount.annotations (%s) name different IRSA roles: set one of them" . $given) -}}
{{- end -}}
{{- $_ := set $annotations "eks.amazonaws.com/role-arn" . -}}
{{- end -}}
{{- if $annotations }}{{ toYaml $annotations }}{{ end -}}
{{- end -}}

{{/* The IRSA role the created service account carries, if any. */}}
{{- define "aws-port-sync.irsaRoleArn" -}}
{{- $annotations := include "aws-port-sync.serviceAccountAnnotations" . | fromYaml -}}
{{- get $annotations "eks.amazonaws.com/role-arn" -}}
{{- end -}}

{{/* Secrets: the chart's own Secret holds whatever was given inline. */}}
{{- define "aws-port-sync.secretName" -}}
{{- include "aws-port-sync.fullname" . -}}
{{- end -}}

{{- define "aws-port-sync.portSecretName" -}}
{{- default (include "aws-port-sync.secretName" .) .Values.port.existingSecret -}}
{{- end -}}

{{- define "aws-port-sync.temporalSecretName" -}}
{{- default (include "aws-port-sync.secretName" .) .Values.temporal.existingSecret -}}
{{- end -}}

{{- define "aws-port-sync.hasTemporalAPIKey" -}}
{{- if or .Values.temporal.apiKey .Values.temporal.existingSecret }}true{{ end -}}
{{- end -}}

{{- define "aws-port-sync.createSecret" -}}
{{- $secretSettings := false -}}
{{- range $name, $s := include "aws-port-sync.integrationEnv" . | fromYaml -}}
{{- if $s.secret }}{{ $secretSettings = true }}{{ end -}}
{{- end -}}
{{- if or (not .Values.port.existingSecret) (and .Values.temporal.apiKey (not .Values.temporal.existingSecret)) $secretSettings }}true{{ end -}}
{{- end -}}

{{/*
integration.config / integration.secrets, Port's chart rule: every key becomes
OCEAN__INTEGRATION__CONFIG__<key in UPPER_SNAKE>. The keys are the ones the
worker reads (internal/config IntegrationSettings, camelCase or snake_case; a
test keeps this list equal to it). A key nothing reads fails the install
instead of vanishing; credentials go to the Secret wherever they were given.
*/}}
{{- define "aws-port-sync.integrationSettings" -}}
ACCOUNT_ROLE_ARN: {keys: [accountRoleArn, account_role_arn]}
ACCOUNT_ROLE_ARNS: {keys: [accountRoleArns, account_role_arns]}
OU_ID: {keys: [ouId, ou_id]}
EXTERNAL_ID: {keys: [externalId, external_id]}
AWS_PARTITION: {keys: [awsPartition, aws_partition]}
CREDENTIAL_PROVIDER_PRIORITY: {keys: [credentialProviderPriority, credential_provider_priority]}
AWS_ACCESS_KEY_ID: {keys: [awsAccessKeyId, aws_access_key_id], secret: true}
AWS_SECRET_ACCESS_KEY: {keys: [awsSecretAccessKey, aws_secret_access_key], secret: true}
AWS_SESSION_TOKEN: {keys: [awsSessionToken, aws_session_token], secret: true}
MAX_CONCURRENT_ACCOUNTS: {keys: [maxConcurrentAccounts, max_concurrent_accounts]}
MAX_PORT_REQUESTS_PER_SECOND: {keys: [maxPortRequestsPerSecond, max_port_requests_per_second]}
PORT_REQUEST_BURST: {keys: [portRequestBurst, port_request_burst]}
REGION: {keys: [region]}
FALLBACK_REGIONS: {keys: [fallbackRegions, fallback_regions]}
EXCLUDED_ACCOUNT_IDS: {keys: [excludedAccountIds, excluded_account_ids]}
EXCLUDED_OU_IDS: {keys: [excludedOuIds, excluded_ou_ids]}
INCLUDE_ACCOUNT_TAGS: {keys: [includeAccountTags, include_account_tags]}
EXCLUDE_ACCOUNT_TAGS: {keys: [excludeAccountTags, exclude_account_tags]}
ACCOUNT_ROLE_OVERRIDES: {keys: [accountRoleOverrides, account_role_overrides]}
{{- end -}}

{{/*
The given settings as YAML: OCEAN__INTEGRATION__CONFIG__<NAME> → {value,
secret, from}. Blank values (null, "", []) are not settings. Lists become
comma-separated (the worker also reads a JSON array string as given), lists
of maps (accountRoleOverrides) JSON; whole
numbers from a values file stay whole (123456789012, not 1.23456789012e+11).
*/}}
{{- define "aws-port-sync.integrationEnv" -}}
{{- $settings := include "aws-port-sync.integrationSettings" . | fromYaml -}}
{{- $byKey := dict -}}
{{- $known := list -}}
{{- range $name, $s := $settings -}}
{{- range $s.keys }}{{ $_ := set $byKey . $name }}{{ end -}}
{{- $known = append $known (join "/" $s.keys) -}}
{{- end -}}
{{- $out := dict -}}
{{- range $section := list "config" "secrets" -}}
{{- $values := index $.Values.integration $section | default dict -}}
{{- if not (kindIs "map" $values) -}}
{{- fail (printf "integration.%s must be a map of settings, e.g. --set integration.%s.accountRoleArn=…" $section $section) -}}
{{- end -}}
{{- range $key, $value := $values -}}
{{- $name := get $byKey $key -}}
{{- if not $name -}}
{{- fail (printf "integration.%s.%s: aws-port-sync has no such setting (it would become OCEAN__INTEGRATION__CONFIG__%s, which nothing reads). Known keys, camelCase or snake_case: %s" $section $key ($key | snakecase | upper) (join ", " (sortAlpha $known))) -}}
{{- end -}}
{{- $blank := or (kindIs "invalid" $value) (and (kindIs "string" $value) (eq (trim $value) "")) (and (kindIs "slice" $value) (empty $value)) -}}
{{- if not $blank -}}
{{- $env := printf "OCEAN__INTEGRATION__CONFIG__%s" $name -}}
{{- $from := printf "integration.%s.%s" $section $key -}}
{{- if hasKey $out $env -}}
{{- fail (printf "%s and %s both set %s: give it once" (get (get $out $env) "from") $from $env) -}}
{{- end -}}
{{- $text := "" -}}
{{- if and (kindIs "slice" $value) (gt (len $value) 0) (kindIs "map" (first $value)) -}}{{ $text = toJson $value }}
{{- else if kindIs "slice" $value -}}{{ $text = join "," $value }}
{{- else if kindIs "map" $value -}}{{ $text = toJson $value }}
{{- else if and (kindIs "float64" $value) (eq ($value | int64 | float64) $value) -}}{{ $text = $value | int64 | toString }}
{{- else -}}{{ $text = toString $value }}{{- end -}}
{{- $secret := or (eq $section "secrets") (get (get $settings $name) "secret") -}}
{{- $_ := set $out $env (dict "value" $text "secret" $secret "from" $from) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $out }}{{ toYaml $out }}{{ end -}}
{{- end -}}

{{/* Temporal TLS files, mounted at a fixed directory. */}}
{{- define "aws-port-sync.tlsDir" -}}/etc/aws-port-sync/temporal-tls{{- end -}}

{{- define "aws-port-sync.tlsSecretName" -}}
{{- default (printf "%s-temporal-tls" (include "aws-port-sync.fullname" .)) .Values.temporal.tls.existingSecret -}}
{{- end -}}

{{- define "aws-port-sync.hasTLSCert" -}}
{{- $t := .Values.temporal.tls -}}
{{- if or (and $t.existingSecret $t.certKey) (and (not $t.existingSecret) $t.cert) }}true{{ end -}}
{{- end -}}

{{- define "aws-port-sync.hasTLSKey" -}}
{{- $t := .Values.temporal.tls -}}
{{- if or (and $t.existingSecret $t.keyKey) (and (not $t.existingSecret) $t.key) }}true{{ end -}}
{{- end -}}

{{- define "aws-port-sync.hasTLSCA" -}}
{{- $t := .Values.temporal.tls -}}
{{- if or (and $t.existingSecret $t.caKey) (and (not $t.existingSecret) $t.ca) }}true{{ end -}}
{{- end -}}

{{- define "aws-port-sync.hasTLS" -}}
{{- if or (include "aws-port-sync.hasTLSCert" .) (include "aws-port-sync.hasTLSKey" .) (include "aws-port-sync.hasTLSCA" .) }}true{{ end -}}
{{- end -}}

{{/* Local mapping file. */}}
{{- define "aws-port-sync.mappingDir" -}}/etc/aws-port-sync/mapping{{- end -}}

{{/* Fail early, at helm install time, on what the worker would reject anyway. */}}
{{- define "aws-port-sync.validate" -}}
{{- if not .Values.integration.identifier -}}
{{- fail "integration.identifier is required (--set integration.identifier=my-aws-integration)" -}}
{{- end -}}
{{- if not .Values.temporal.address -}}
{{- fail "temporal.address is required (--set temporal.address=temporal-frontend.temporal:7233)" -}}
{{- end -}}
{{- if and (not .Values.port.existingSecret) (or (not .Values.port.clientId) (not .Values.port.clientSecret)) -}}
{{- fail "port.clientId and port.clientSecret are required, or port.existingSecret naming a Secret that holds them" -}}
{{- end -}}
{{- if not .Values.image.repository -}}
{{- fail "image.repository is required: aws-port-sync publishes no image; build deploy/Dockerfile, push it to your registry and pass --set image.repository=<registry>/aws-port-sync --set image.tag=<tag> (deploy/README.md, step 1)" -}}
{{- end -}}
{{- $sa := .Values.podServiceAccount -}}
{{- if and (kindIs "bool" $sa.create) (not $sa.create) (not $sa.name) -}}
{{- fail "podServiceAccount.create=false means \"use an existing service account\": name it with podServiceAccount.name (the pods would otherwise run as a service account that does not exist)" -}}
{{- end -}}
{{- if and (not (include "aws-port-sync.createServiceAccount" .)) (or $sa.roleArn $sa.annotations) -}}
{{- fail (printf "podServiceAccount.roleArn / podServiceAccount.annotations only apply to a service account the chart creates, and %s already exists (podServiceAccount.name without create=true): annotate it yourself (kubectl annotate serviceaccount %s -n %s eks.amazonaws.com/role-arn=<role ARN>) or set podServiceAccount.create=true" $sa.name $sa.name .Release.Namespace) -}}
{{- end -}}
{{- if and .Values.tracing.otlpEndpoint (not (has (.Values.tracing.protocol | default "http/protobuf") (list "http/protobuf" "grpc"))) -}}
{{- fail (printf "tracing.protocol %q: use http/protobuf (port 4318) or grpc (port 4317)" .Values.tracing.protocol) -}}
{{- end -}}
{{- $_ := include "aws-port-sync.integrationEnv" . -}}
{{- $_ := include "aws-port-sync.serviceAccountAnnotations" . -}}
{{- end -}}

{{/*
The environment shared by the worker and the schedule Job: Ocean's and
Temporal's variable names. Secrets come only through secretKeyRef.
*/}}
{{- define "aws-port-sync.env" -}}
- name: OCEAN__PORT__CLIENT_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "aws-port-sync.portSecretName" . }}
      key: {{ .Values.port.secretKeys.clientId }}
- name: OCEAN__PORT__CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "aws-port-sync.portSecretName" . }}
      key: {{ .Values.port.secretKeys.clientSecret }}
- name: OCEAN__PORT__BASE_URL
  value: {{ .Values.port.baseUrl | quote }}
- name: OCEAN__INTEGRATION__IDENTIFIER
  value: {{ .Values.integration.identifier | quote }}
- name: OCEAN__INITIALIZE_PORT_RESOURCES
  value: {{ .Values.initializePortResources | quote }}
- name: OCEAN__SCHEDULED_RESYNC_INTERVAL
  value: {{ .Values.scheduledResyncInterval | quote }}
{{- with .Values.integration.eventListener }}
{{- if eq (upper (toString (.type | default ""))) "ONCE" }}
{{- fail "integration.eventListener.type=ONCE runs one resync and exits: it is for a Kubernetes Job or CronJob (worker with OCEAN__EVENT_LISTENER={\"type\":\"ONCE\"}), not for this chart's Deployment, which would restart it in a loop; use POLLING (Port's Resync button) or leave it empty (the schedule alone)" }}
{{- end }}
{{- if .type }}
- name: OCEAN__EVENT_LISTENER
  value: {{ toJson . | quote }}
{{- end }}
{{- end }}
{{- range $env, $s := include "aws-port-sync.integrationEnv" . | fromYaml }}
- name: {{ $env }}
{{- if $s.secret }}
  valueFrom:
    secretKeyRef:
      name: {{ include "aws-port-sync.secretName" $ }}
      key: {{ $env }}
{{- else }}
  value: {{ $s.value | quote }}
{{- end }}
{{- end }}
{{- if .Values.portAppConfig }}
- name: PORT_APP_CONFIG_FILE
  value: {{ printf "%s/port-app-config.yml" (include "aws-port-sync.mappingDir" .) | quote }}
{{- end }}
- name: TEMPORAL_ADDRESS
  value: {{ .Values.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
- name: TEMPORAL_TASK_QUEUE
  value: {{ .Values.temporal.taskQueue | quote }}
{{- if include "aws-port-sync.hasTemporalAPIKey" . }}
- name: TEMPORAL_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "aws-port-sync.temporalSecretName" . }}
      key: {{ .Values.temporal.secretKey }}
{{- end }}
{{- if include "aws-port-sync.hasTLSCert" . }}
- name: TEMPORAL_TLS_CERT
  value: {{ printf "%s/tls.crt" (include "aws-port-sync.tlsDir" .) | quote }}
{{- end }}
{{- if include "aws-port-sync.hasTLSKey" . }}
- name: TEMPORAL_TLS_KEY
  value: {{ printf "%s/tls.key" (include "aws-port-sync.tlsDir" .) | quote }}
{{- end }}
{{- if include "aws-port-sync.hasTLSCA" . }}
- name: TEMPORAL_TLS_CA
  value: {{ printf "%s/ca.crt" (include "aws-port-sync.tlsDir" .) | quote }}
{{- end }}
{{- if .Values.temporal.tls.serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ .Values.temporal.tls.serverName | quote }}
{{- end }}
{{- with .Values.tracing }}
{{- if .otlpEndpoint }}
# OpenTelemetry traces over OTLP (standard variables; the SDK reads the rest).
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .otlpEndpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ .protocol | default "http/protobuf" | quote }}
{{- if .headersSecret.name }}
- name: OTEL_EXPORTER_OTLP_HEADERS
  valueFrom:
    secretKeyRef:
      name: {{ .headersSecret.name }}
      key: {{ .headersSecret.key }}
{{- end }}
{{- if .sampler }}
- name: OTEL_TRACES_SAMPLER
  value: {{ .sampler | quote }}
{{- end }}
{{- if .samplerArg }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .samplerArg | quote }}
{{- end }}
- name: K8S_POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: K8S_NAMESPACE_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.pod.name=$(K8S_POD_NAME)%s" (ternary (printf ",%s" .resourceAttributes) "" (ne .resourceAttributes "")) | quote }}
{{- end }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Volumes for the mapping file and the Temporal TLS files, shared by the worker and the Job. */}}
{{- define "aws-port-sync.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if .Values.portAppConfig }}
- name: mapping
  configMap:
    name: {{ include "aws-port-sync.fullname" . }}-mapping
{{- end }}
{{- if include "aws-port-sync.hasTLS" . }}
- name: temporal-tls
  secret:
    secretName: {{ include "aws-port-sync.tlsSecretName" . }}
    items:
    {{- if include "aws-port-sync.hasTLSCert" . }}
      - key: {{ if .Values.temporal.tls.existingSecret }}{{ .Values.temporal.tls.certKey }}{{ else }}tls.crt{{ end }}
        path: tls.crt
    {{- end }}
    {{- if include "aws-port-sync.hasTLSKey" . }}
      - key: {{ if .Values.temporal.tls.existingSecret }}{{ .Values.temporal.tls.keyKey }}{{ else }}tls.key{{ end }}
        path: tls.key
    {{- end }}
    {{- if include "aws-port-sync.hasTLSCA" . }}
      - key: {{ if .Values.temporal.tls.existingSecret }}{{ .Values.temporal.tls.caKey }}{{ else }}ca.crt{{ end }}
        path: ca.crt
    {{- end }}
{{- end }}
{{- end -}}

{{- define "aws-port-sync.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.portAppConfig }}
- name: mapping
  mountPath: {{ include "aws-port-sync.mappingDir" . }}
  readOnly: true
{{- end }}
{{- if include "aws-port-sync.hasTLS" . }}
- name: temporal-tls
  mountPath: {{ include "aws-port-sync.tlsDir" . }}
  readOnly: true
{{- end }}
{{- end -}}
