# Sourced by scripts/test and scripts/serve: make .venv with Python 3.11 and install the
# project into it from a lock file (again only when pyproject.toml or the lock changed
# since the last install). The lock of no extras is requirements.lock, of "test"
# requirements-test.lock: exact versions, every file checked against its sha256 hash.
# scripts/lock refreshes both from pyproject.toml.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${QAI_VENV:-$root/.venv}"
extras="${1:-}"

pick_python() {
  for candidate in "${PYTHON:-}" python3.11 python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "qai-graph needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

if [ ! -x "$venv/bin/python" ]; then
  "$(pick_python)" -m venv "$venv"
fi
lock="$root/requirements${extras:+-$extras}.lock"
[ -f "$lock" ] || { echo "no lock file $lock (make it with scripts/lock)" >&2; exit 1; }
stamp="$venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --require-hashes -r "$lock"
  # The project itself: its dependencies are the lock's, and setuptools to build it too.
  "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e "$root"
  touch "$stamp"
fi
