#!/usr/bin/env bash
# Create or refresh the project's virtual environment in .venv (sourced by the other scripts).
# Finds a Python >= 3.12; says clearly when there is none.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

find_python() {
  local candidate
  for candidate in "${ARCHMODEL_PYTHON:-}" python3.12 python3.13 python3.14 python3 python; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

stamp=".venv/.archmodel-installed"
wanted="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi
if ! python="$(find_python)"; then
  echo "archmodel: error: no Python >= 3.12 found (tried python3.12, python3.13, python3.14, python3, python)." >&2
  echo "archmodel: install Python 3.12 or set ARCHMODEL_PYTHON to its path." >&2
  exit 2
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then
  rm -rf .venv
  echo "archmodel: creating .venv with $("$python" --version)" >&2
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test,models]" >&2
echo "$wanted" > "$stamp"
