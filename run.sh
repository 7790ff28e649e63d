#!/usr/bin/env bash
# Runs the autobuilder on this machine with the embedded defaults (silo-config/all.json): one silo
# in role "all", data under ./var, two local builder slots. Ctrl-C stops it; state survives.
# Extra arguments go to the silo, e.g.  ./run.sh --config silo-config/all.json
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps
dotnet build src/Autobuilder.Silo -c Release -v quiet -nologo >/dev/null
dotnet build src/Autobuilder.Admin -c Release -v quiet -nologo >/dev/null
echo "autobuilder: silo starting (data in ./var, gateway 127.0.0.1:30000); in another terminal try:" >&2
echo "  ./autobuilder upload examples/hello-autobuilder_1.0.dsc && ./autobuilder uploads list" >&2
exec dotnet src/Autobuilder.Silo/bin/Release/net10.0/autobuilder-silo.dll "$@"
