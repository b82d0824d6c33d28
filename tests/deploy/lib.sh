# Shared by the deploy recipe tests: the local run a recipe must reproduce.
# Usage (sourced): local_summary DSIM SCENARIO RANGE DIR -> DIR/local.txt

fail() { echo "FAIL: $*"; exit 1; }

# The merged summary of one local run of the range, with the parts that
# depend on how it was split (file count, worker time) removed.
normalize() {
  sed -E -e 's/  from [0-9]+ files?$//' -e 's/; [0-9.]+ s of worker time \([0-9]+ seeds\/s per worker\)//' "$1"
}

local_summary() {
  local dsim=$1 scenario=$2 range=$3 dir=$4
  "$dsim" fuzz "$scenario" --seeds="$range" --jobs=2 --out="$dir/local.jsonl" --noprogress >/dev/null || true
  "$dsim" merge "$dir/local.jsonl" --seeds="$range" >"$dir/local.txt" || true
}

# Exit status of the merge the recipe printed must match, and its summary.
expect_same_summary() {
  local recipe_out=$1 dir=$2
  if ! diff <(normalize "$dir/local.txt") <(normalize "$recipe_out"); then
    fail "the recipe's merged summary differs from a local run of the same range"
  fi
}
