#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   scripts/bootstrap.sh run    install what is missing, build (release), start mosaic-studio
#   scripts/bootstrap.sh test   install what is missing, build (ci preset), run every test
#   scripts/bootstrap.sh deps   only install what is missing
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

packages=(
  cmake g++ ninja-build ccache pkg-config
  libtorch-dev libopenblas0-openmp
  qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-translations-l10n
  libopencv-dev libspdlog-dev nlohmann-json3-dev
  libsentencepiece-dev libpcre2-dev libgloo-dev
  desktop-file-utils appstream
  clang
)

log() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "all Debian packages are present"
    return
  fi
  log "installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  local preset="$1"
  log "configuring and building ($preset preset, $(nproc) jobs)"
  cmake --preset "$preset"
  cmake --build --preset "$preset" --parallel "$(nproc)"
}

cmd="${1:-}"
case "$cmd" in
  deps)
    install_missing
    ;;
  run)
    # The app's own fonts: Chinese needs a CJK font (without one its text is empty boxes).
    packages+=(fonts-noto-cjk)
    install_missing
    build release
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      cat <<MSG
No display is available here (neither DISPLAY nor WAYLAND_DISPLAY is set), so the desktop app
cannot open a window. The build is ready; use the command-line tool instead:

  build/release/app/mosaic --help
  build/release/app/mosaic inspect FILE.safetensors

or run the app on a virtual display: xvfb-run -a build/release/app/mosaic-studio
MSG
      exit 0
    fi
    log "starting mosaic-studio"
    exec build/release/app/mosaic-studio "${@:2}"
    ;;
  test)
    install_missing
    build ci
    log "running the tests"
    ctest --preset ci --parallel "$(nproc)"
    log "fuzzing every parser of outside data for ${MOSAIC_FUZZ_SECONDS:-20} s each (libFuzzer, ASan, UBSan)"
    ./scripts/fuzz.sh smoke "${MOSAIC_FUZZ_SECONDS:-20}"
    ;;
  *)
    echo "usage: $0 run|test|deps" >&2
    exit 2
    ;;
esac
