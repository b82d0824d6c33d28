# Shared by tools/dsim and tools/test: install what is missing (Debian 12
# packages only), then configure and build with CMake. Sourced, not run.

DSIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

dsim_log() { printf '[dsim] %s\n' "$*" >&2; }

# Installs the given Debian packages if any is missing. Fast when all are there.
dsim_ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  dsim_log "installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { dsim_log "need root (or sudo) to install: ${missing[*]}"; return 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2 || return 1
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || return 1
}

DSIM_BUILD_PACKAGES=(g++ make cmake ninja-build libabsl-dev libgtest-dev libgmock-dev
                     libbenchmark-dev nlohmann-json3-dev)

# dsim_build DIR TARGET [cmake args...]: configure DIR once, then build TARGET.
dsim_build() {
  local dir=$1 target=$2
  shift 2
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S "$DSIM_ROOT" -B "$dir" -G Ninja "$@" >&2 || return 1
  fi
  local jobs
  jobs=$(nproc 2>/dev/null || echo 2)
  # Only show the build's output when there is something to say.
  local log
  log=$(mktemp)
  if ! cmake --build "$dir" --target "$target" -j "$jobs" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  grep -q "no work to do" "$log" || tail -n 1 "$log" >&2
  rm -f "$log"
}

# dsim_corpus_dir: the shared corpus of histories, found as CMake finds it
# ($DSIM_CORPUS, ../shared/corpus beside this tree or beside the repository
# this one was cloned from); prints nothing when there is none.
dsim_corpus_dir() {
  local c
  for c in "${DSIM_CORPUS:-}" "$DSIM_ROOT/../shared/corpus" \
           "$(git -C "$DSIM_ROOT" config --get remote.origin.url 2>/dev/null)/../shared/corpus"; do
    [ -n "$c" ] && [ -f "$c/manifest.tsv" ] && { (cd "$c" && pwd); return 0; }
  done
  return 0
}
