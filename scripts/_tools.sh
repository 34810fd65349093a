# Sourced by scripts/test: the tools outside Python that part of the suite drives.
#   chromium        the browser tests (tests/web)
#   node and npm    the reference clients (tests/clients: the graphql-http audit,
#                   graphql-ws, the MCP Inspector)
# As root with apt-get (Debian, CI's image), a missing chromium is installed (not node:
# Debian 12's is 18, and the MCP Inspector needs 20). Otherwise each missing tool is one
# line saying what to install, and its tests are skipped with the
# same line (tests/support/tools.py) -- unless CI=true: then a missing tool fails the
# run, so CI never passes by skipping.

# The same truth test as tests/support/tools.py's in_ci.
test_tools_in_ci() {
  case "${CI:-}" in 1 | [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss]) return 0 ;; *) return 1 ;; esac
}

# chromium's path: QAI_TEST_CHROMIUM when set, else chromium on PATH.
test_tools_chromium() {
  if [ -n "${QAI_TEST_CHROMIUM:-}" ]; then
    [ -x "$QAI_TEST_CHROMIUM" ] && echo "$QAI_TEST_CHROMIUM"
    return 0
  fi
  command -v chromium || true
}

# Install what is missing when that is possible here; then report what still is.
# Returns 1 when something is missing and CI=true; exports QAI_TEST_CHROMIUM when found.
check_test_tools() {
  local missing=0 chromium
  chromium="$(test_tools_chromium)"
  if [ -z "$chromium" ] && [ "${EUID:-1}" = 0 ] && command -v apt-get >/dev/null; then
    echo "scripts/test: installing chromium (apt-get)" >&2
    { apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ||
      echo "scripts/test: apt-get could not install chromium" >&2
    chromium="$(test_tools_chromium)"
  fi
  if [ -n "$chromium" ]; then
    export QAI_TEST_CHROMIUM="$chromium"
  else
    echo "scripts/test: no chromium: the browser tests (tests/web) are skipped;" \
      "install chromium (Debian: apt-get install chromium) or set QAI_TEST_CHROMIUM" >&2
    missing=1
  fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "scripts/test: no node/npm: the reference clients (tests/clients) are skipped;" \
      "install Node.js 20+ with npm (https://nodejs.org or your package manager)" >&2
    missing=1
  fi
  if [ "$missing" = 1 ] && test_tools_in_ci; then
    echo "scripts/test: CI=true, so a missing tool fails the run (see above)" >&2
    return 1
  fi
  return 0
}
