#!/bin/sh
# The autobuilder image's entry point: one image, the role chosen by $AUTOBUILDER_ROLE (garage,
# builder, stage, all) or a whole configuration file by $AUTOBUILDER_CONFIG. Any configuration
# value can be set as AUTOBUILDER_Section__Key (e.g. AUTOBUILDER_Cluster__HostName=builder2).
#   (no argument)        run the silo
#   db-init              apply the PostgreSQL schema ($AUTOBUILDER_DB), then exit
#   provision-certs CA_DIR TARGET_ROOT NAME…   the CA and each silo's certificates (provision-certs.sh)
#   autobuilder ARGS…    run the admin console
set -eu
config="${AUTOBUILDER_CONFIG:-/etc/autobuilder/${AUTOBUILDER_ROLE:-all}.json}"
# The console reads the same file (products, where the data root and this user's certificate are).
export AUTOBUILDER_CONFIG="$config"
# all.json keeps its data in ./var (for ./run.sh in a checkout); in the image every role's data is
# the volume.
if [ "$config" = /etc/autobuilder/all.json ] && [ -z "${AUTOBUILDER_Autobuilder__DataRoot:-}" ]; then
  export AUTOBUILDER_Autobuilder__DataRoot=/var/lib/autobuilder
fi
case "${1:-silo}" in
  silo) ;;
  db-init) exec dotnet /opt/autobuilder/admin/autobuilder.dll db init ;;
  provision-certs) shift; exec /usr/local/bin/autobuilder-provision-certs "$@" ;;
  autobuilder) shift; exec dotnet /opt/autobuilder/admin/autobuilder.dll "$@" ;;
  *) exec "$@" ;;
esac
if [ "${AUTOBUILDER_SSHD:-0}" = 1 ]; then
  # Builder hosts may also take builds over SSH, one unix user per slot (silo-config/README.md).
  # sshd needs root: such a container starts as root (compose: user: root) and the silo below
  # still runs as "autobuilder".
  mkdir -p /run/sshd
  /usr/sbin/sshd
fi
if [ "$(id -u)" -eq 0 ]; then
  # Never the silo as root: its builds would then switch user with setpriv, but the silo itself
  # (the archive's keys, the cluster's password) must not be root's.
  exec setpriv --reuid=autobuilder --regid=autobuilder --init-groups -- dotnet /opt/autobuilder/silo/autobuilder-silo.dll --config "$config"
fi
exec dotnet /opt/autobuilder/silo/autobuilder-silo.dll --config "$config"
