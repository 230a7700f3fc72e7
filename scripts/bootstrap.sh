# Sourced by the other scripts: makes sure uv and the project's environment exist.
# Works on a fresh Debian 12 as root with only python3 and the package registries.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

apt_install() {
  # apt-get update once per run, only when something is missing.
  if [ -z "${GONGHUI_APT_UPDATED:-}" ]; then
    apt-get update -qq
    export GONGHUI_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v uv >/dev/null 2>&1; then
  export PATH="$HOME/.local/bin:$PATH"
fi
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  python3 -m pip install --quiet --user --break-system-packages uv
fi

uv sync --frozen --quiet
