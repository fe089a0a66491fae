#!/bin/sh
# Creates Temporal's two PostgreSQL databases on the first start and brings
# their schema to the version of this admin-tools image on every start
# (docker-compose.yml runs it once before the server). Safe to run again:
# a database that exists is only updated.
set -eu
sql() { temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS}" -p "${DB_PORT}" -u "${POSTGRES_USER}" "$@"; }
schema=/etc/temporal/schema/postgresql/v12

for db in temporal:temporal temporal_visibility:visibility; do
  name=${db%%:*}
  dir=${db#*:}
  if sql --db "$name" create; then
    echo "database $name created"
    sql --db "$name" setup-schema -v 0.0
  fi
  sql --db "$name" update-schema -d "$schema/$dir/versioned"
done
echo "Temporal schema ready"
