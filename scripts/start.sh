#!/usr/bin/env bash
# npm start: set up what is missing, build, and serve the playground on 127.0.0.1 (PORT, default 8080).
source "$(dirname "$0")/lib.sh"
bash scripts/build.sh
step "serving dist/"
exec node scripts/serve.mjs dist "${PORT:-8080}"
