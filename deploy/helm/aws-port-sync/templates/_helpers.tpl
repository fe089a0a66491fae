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
account that already exists (annotated for IRSA by eksctl), so a given name
means "use it" unless podServiceAccount.create is explicitly true.
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
{{- $s := .Values.integration.secrets -}}
{{- if or (not .Values.port.existingSecret) (and .Values.temporal.apiKey (not .Values.temporal.existingSecret)) $s.aws_access_key_id $s.aws_secret_access_key $s.aws_session_token }}true{{ end -}}
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

{{/* A list value (YAML list or --set "{a,b}") or a comma-separated string, as one comma-separated string. */}}
{{- define "aws-port-sync.csv" -}}
{{- if kindIs "slice" . -}}{{ join "," . }}{{- else -}}{{ . }}{{- end -}}
{{- end -}}

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
{{- if .Values.integration.config.accountRoleArn }}
- name: OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN
  value: {{ .Values.integration.config.accountRoleArn | quote }}
{{- end }}
{{- if .Values.integration.config.accountRoleArns }}
- name: OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS
  value: {{ include "aws-port-sync.csv" .Values.integration.config.accountRoleArns | quote }}
{{- end }}
{{- if .Values.integration.config.ouId }}
- name: OCEAN__INTEGRATION__CONFIG__OU_ID
  value: {{ include "aws-port-sync.csv" .Values.integration.config.ouId | quote }}
{{- end }}
{{- if .Values.integration.config.externalId }}
- name: OCEAN__INTEGRATION__CONFIG__EXTERNAL_ID
  value: {{ .Values.integration.config.externalId | quote }}
{{- end }}
{{- if .Values.integration.config.aws_partition }}
- name: OCEAN__INTEGRATION__CONFIG__AWS_PARTITION
  value: {{ .Values.integration.config.aws_partition | quote }}
{{- end }}
{{- if .Values.integration.config.credentialProviderPriority }}
- name: OCEAN__INTEGRATION__CONFIG__CREDENTIAL_PROVIDER_PRIORITY
  value: {{ include "aws-port-sync.csv" .Values.integration.config.credentialProviderPriority | quote }}
{{- end }}
{{- if .Values.integration.config.maxConcurrentAccounts }}
- name: OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENT_ACCOUNTS
  value: {{ .Values.integration.config.maxConcurrentAccounts | quote }}
{{- end }}
{{- if .Values.integration.config.region }}
- name: AWS_REGION
  value: {{ .Values.integration.config.region | quote }}
{{- end }}
{{- if .Values.integration.secrets.aws_access_key_id }}
- name: OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "aws-port-sync.secretName" . }}
      key: OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID
{{- end }}
{{- if .Values.integration.secrets.aws_secret_access_key }}
- name: OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "aws-port-sync.secretName" . }}
      key: OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY
{{- end }}
{{- if .Values.integration.secrets.aws_session_token }}
- name: OCEAN__INTEGRATION__CONFIG__AWS_SESSION_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "aws-port-sync.secretName" . }}
      key: OCEAN__INTEGRATION__CONFIG__AWS_SESSION_TOKEN
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
