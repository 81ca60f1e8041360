#!/usr/bin/env bash
# Installs the Debian packages the tests and the bench need when they are missing: Chromium for the
# journeys and the bench's browsers (Playwright never downloads a browser here), fonts so pages render
# as people see them, espeak-ng and sox for the speech fixtures, ffmpeg for the audio probes.
# Run by `npm test` (pretest) and `npm run bench` (prebench).
set -euo pipefail

missing=()
if [ -z "${CHROME_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if ! fc-list 2>/dev/null | grep -qi liberation; then missing+=(fonts-liberation); fi
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)
# ffprobe lets the upload journeys inspect the copy; the app itself never needs it (it has ffmpeg.wasm).
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
# The server tests start OpenStack Swift with its S3 API as the object storage engine (issue #17).
# Debian's own python3, not one on PATH (pyenv), is where python3-swift lives.
/usr/bin/python3 -c 'import swift.common.middleware.s3api' >/dev/null 2>&1 || missing+=(python3-swift)
# The server tests start a real redis-server for live state across instances (issue #17).
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# The server-pg tests run every server test again on Debian's PostgreSQL 15 (issue #17); installing it
# makes the 15/main cluster they start with pg_ctlcluster (or a throwaway one, when not root).
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql)
# The across-instances journey puts two servers behind HAProxy 2.6 with deploy/haproxy.cfg (issue #17).
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
# The weak-link harness (issue #18) shapes each browser's network namespace with ip and tc (iproute2)
# and drops packets with nftables in its hub namespace.
command -v tc >/dev/null 2>&1 || missing+=(iproute2)
command -v nft >/dev/null 2>&1 || missing+=(nftables)

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

echo "Installing Debian packages the tests and the bench need: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
		echo "Please install as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
