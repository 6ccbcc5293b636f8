-- =====================================================================================
-- TĐKT on a production PostgreSQL server: the roles that are NOT the services'.
--
-- The services' own roles, databases and event tables are made by the migration step,
-- `tdkt migrate` (servicekit/migrate.py: compose service `migrate`, Kubernetes Job
-- infra/k8s/migrate-job.yaml), with least privilege: each service's login role may insert
-- its events but never change them, and owns nothing it could use to hide a change.
--
-- This script adds the optional operator roles, once, as a superuser:
--
--   psql "host=db.tinh.internal user=postgres dbname=postgres" \
--        [-v backup_password=...] [-v replication_password=...] \
--        -f infra/postgres/init-databases.sql
-- =====================================================================================

\set ON_ERROR_STOP on

SET password_encryption = 'scram-sha-256';

-- Optional: a read-only role for pg_dump backups (PostgreSQL 14+: pg_read_all_data).
\if :{?backup_password}
SELECT 'CREATE ROLE tdkt_backup LOGIN'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tdkt_backup')
\gexec
ALTER ROLE tdkt_backup WITH LOGIN PASSWORD :'backup_password';
GRANT pg_read_all_data TO tdkt_backup;
SELECT format('GRANT CONNECT ON DATABASE %I TO tdkt_backup', datname) FROM pg_database WHERE datname LIKE 'tdkt\_%'
\gexec
\endif

-- Optional: the role a streaming-replication standby connects with (see README.md).
\if :{?replication_password}
SELECT 'CREATE ROLE replicator LOGIN REPLICATION'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator')
\gexec
ALTER ROLE replicator WITH LOGIN REPLICATION PASSWORD :'replication_password';
\endif

SELECT r.rolname AS role, d.datname AS database, pg_get_userbyid(d.datdba) AS owner
  FROM pg_roles r LEFT JOIN pg_database d ON d.datname = r.rolname
 WHERE r.rolname LIKE 'tdkt\_%' OR r.rolname = 'replicator'
 ORDER BY 1;
