# Sourced by .ci/test.sh (which defines apt_install): what the web client's
# tests need — node for the JavaScript protocol tests and the bundle check,
# the npm packages of client/web (esbuild, three, iwer) for the bundle
# check, and Debian's chromium for the headless browser tests.
command -v node >/dev/null 2>&1 || apt_install nodejs npm
command -v npm >/dev/null 2>&1 || apt_install npm
[ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1 || apt_install chromium fonts-liberation
if [ ! -d client/web/node_modules ]; then
  echo "== npm ci (client/web)"
  (cd client/web && npm ci --no-audit --no-fund --loglevel=error)
fi
