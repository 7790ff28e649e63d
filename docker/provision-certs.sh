#!/bin/sh
# Gives each silo host the certificates it needs from the autobuilder's CA, making the CA and any
# missing silo certificate first (both once; running it again changes nothing but revoked.txt):
#
#   provision-certs.sh CA_DIR TARGET_ROOT NAME...
#
# CA_DIR holds the CA (its key never leaves it). For each NAME (a silo's Cluster:HostName),
# TARGET_ROOT/NAME is that host's data root and gets certs/ca.crt, certs/revoked.txt and
# certs/silos/NAME.pem: the folders 0700, the key file 0600, all owned by $AUTOBUILDER_OWNER.
# docker/compose.yaml runs it in its "certs" service with each silo's volume mounted under
# TARGET_ROOT; elsewhere run it on the trusted machine and copy each host its folder.
# Environment:
#   AUTOBUILDER_CONSOLE  how to run the admin console (default: the image's)
#   AUTOBUILDER_ADMIN    the admin certificate CA_DIR/users/NAME.pem made with the CA (default: admin)
#   AUTOBUILDER_OWNER    user:group of the files (default autobuilder:autobuilder; empty: unchanged)
#   AUTOBUILDER_ADMIN_HOST  also copy the admin certificate to that NAME's certs/users/ (for a
#                        console run inside that host: --cert <data root>/certs/users/ADMIN.pem)
set -eu
[ $# -ge 3 ] || { echo "usage: $0 CA_DIR TARGET_ROOT NAME..." >&2; exit 2; }
ca=$1 target=$2
shift 2
console=${AUTOBUILDER_CONSOLE:-dotnet /opt/autobuilder/admin/autobuilder.dll}
owner=${AUTOBUILDER_OWNER-autobuilder:autobuilder}

args=""
for name in "$@"; do
  case "$name" in
    *[!a-z0-9._-]*|.*|"") echo "$0: '$name' is not a silo name (a-z 0-9 . _ -)" >&2; exit 2 ;;
  esac
  args="$args --silo $name"
done
# Word splitting of $console and $args is wanted: names were checked above.
# shellcheck disable=SC2086
$console certs init --dir "$ca" $args --admin "${AUTOBUILDER_ADMIN:-admin}"
touch "$ca/revoked.txt"

umask 077
for name in "$@"; do
  root="$target/$name"
  certs="$root/certs"
  mkdir -p "$certs/silos"
  # Copy under a temporary name, then rename: a silo starting meanwhile reads a whole file or none.
  for pair in "ca.crt:ca.crt" "revoked.txt:revoked.txt" "silos/$name.pem:silos/$name.pem"; do
    from=${pair%%:*} to=${pair#*:}
    cp "$ca/$from" "$certs/$to.tmp"
    chmod 0600 "$certs/$to.tmp"
    mv -f "$certs/$to.tmp" "$certs/$to"
  done
  if [ "$name" = "${AUTOBUILDER_ADMIN_HOST:-}" ]; then
    admin=${AUTOBUILDER_ADMIN:-admin}
    mkdir -p "$certs/users"
    cp "$ca/users/$admin.pem" "$certs/users/$admin.pem.tmp"
    chmod 0600 "$certs/users/$admin.pem.tmp"
    mv -f "$certs/users/$admin.pem.tmp" "$certs/users/$admin.pem"
    chmod 0700 "$certs/users"
  fi
  chmod 0700 "$certs" "$certs/silos"
  if [ -n "$owner" ]; then
    # A fresh volume's root belongs to root: the silo must own its data root (0750).
    chown "$owner" "$root"
    chmod 0750 "$root"
    chown -R "$owner" "$certs"
  fi
  echo "$root/certs: ca.crt, revoked.txt, silos/$name.pem"
done
