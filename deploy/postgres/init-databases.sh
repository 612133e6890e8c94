#!/usr/bin/env bash
# One database and one role per service; no role can connect to another service's database.
# Each role's password is the file compose hands the server as a secret (deploy/secrets.py).
set -euo pipefail
for service in intake casework decisions care training gateway; do
  password=$(< "/run/secrets/db_password_${service}")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v role="$service" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE CONNECT, TEMPORARY ON DATABASE :"role" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"role" TO :"role";
SQL
done
