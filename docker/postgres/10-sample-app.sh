#!/bin/sh
# Runs once, when the data volume is new: the sample target database `app`, with the same data
# as `bin/stack up` loads (stack/sample-app.sql), beside the control database `lifeboat`.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c 'CREATE DATABASE app'
psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname app -f /lifeboat/sample-app.sql
