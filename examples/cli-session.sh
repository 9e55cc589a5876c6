#!/usr/bin/env bash
# The README's main job, as a terminal session: push a small sample model with two artifacts to the
# default local registry (./.modelreg), look at it, promote it to production and pull it back.
# Usage: pnpm example   (after it: pnpm modelreg ls, pnpm modelreg info demo-store/sales-forecast/xgboost@production, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
modelreg() {
  printf '\n$ modelreg %s\n' "$*"
  node packages/cli/bin/modelreg.js "$@"
}

# A stand-in for what a training job writes: model weights and a fitted encoder.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
head -c 2097152 /dev/urandom >"$out/model.onnx"
echo '{"store": ["north", "south"], "weekday": [0, 1, 2, 3, 4, 5, 6]}' >"$out/encoder.json"

modelreg push demo-store/sales-forecast/xgboost "$out/model.onnx" "$out/encoder.json" \
  --kind encoder.json=encoder --metric rmse=12.4 --metric mape=0.081 --param max_depth=6 \
  --tag team=forecasting -d "Daily sales forecast, example run"
modelreg versions demo-store/sales-forecast/xgboost
modelreg promote demo-store/sales-forecast/xgboost@latest production --reason "example run"
modelreg info demo-store/sales-forecast/xgboost@production
modelreg pull demo-store/sales-forecast/xgboost@production .modelreg-pulled
modelreg stats
