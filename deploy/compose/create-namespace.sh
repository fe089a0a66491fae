#!/bin/sh
# Creates the Temporal namespace aws-port-sync uses, and its search attributes
# (AwsAccountId, AwsPortSyncIntegration), when missing.
set -eu
ns=${DEFAULT_NAMESPACE:-default}
addr=${TEMPORAL_ADDRESS:-temporal:7233}
temporal operator cluster health --address "$addr"
temporal operator namespace describe --namespace "$ns" --address "$addr" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$ns" --retention 72h --address "$addr"
for attr in AwsAccountId AwsPortSyncIntegration; do
  temporal operator search-attribute list --namespace "$ns" --address "$addr" | grep -q "$attr" ||
    temporal operator search-attribute create --name "$attr" --type Keyword --namespace "$ns" --address "$addr"
done
echo "namespace $ns ready"
