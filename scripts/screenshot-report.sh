#!/usr/bin/env bash
# Full-page screenshot of an rnndyn HTML report in headless Chromium (Debian: apt-get install chromium).
# Usage: scripts/screenshot-report.sh [REPORT] [PNG]   (defaults: out/report.html, REPORT with .png)
# WIDTH (default 1400) sets the page width in CSS pixels. Drives Chromium over its DevTools pipe with
# Python's standard library, so the whole page is captured, not only the first screen.
set -euo pipefail
report=${1:-out/report.html}
png=${2:-${report%.html}.png}
width=${WIDTH:-1400}
[ -f "$report" ] || { echo "screenshot-report: no report at '$report' (run 'make demo' or 'rnndyn report DIR' first)" >&2; exit 2; }
browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$(command -v "$candidate"); break; fi
done
[ -n "$browser" ] || { echo "screenshot-report: Chromium is not installed (Debian: apt-get install chromium)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "screenshot-report: python3 is needed to drive Chromium" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless=new --disable-gpu --hide-scrollbars --no-first-run --mute-audio "--user-data-dir=$profile"
       --remote-debugging-pipe)
[ "$(id -u)" = 0 ] && flags+=(--no-sandbox)
python3 - "$browser" "$(realpath "$report")" "$png" "$width" "${flags[@]}" <<'PY'
import base64, json, os, subprocess, sys, time

browser, report, png, width, flags = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()

def child_fds():
    os.dup2(to_chrome_r, 3)
    os.dup2(from_chrome_w, 4)

proc = subprocess.Popen([browser, *flags, "about:blank"], pass_fds=(3, 4), preexec_fn=child_fds,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r); os.close(from_chrome_w)
buffer, next_id, deadline = b"", 0, time.time() + 60

def receive():
    global buffer
    while b"\0" not in buffer:
        if time.time() > deadline: sys.exit("screenshot-report: Chromium did not answer within 60 s")
        chunk = os.read(from_chrome_r, 1 << 20)
        if not chunk: sys.exit("screenshot-report: Chromium exited early")
        buffer += chunk
    message, buffer = buffer.split(b"\0", 1)
    return json.loads(message)

def call(method, session=None, wait_event=None, **params):
    global next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params}
    if session: message["sessionId"] = session
    os.write(to_chrome_w, json.dumps(message).encode() + b"\0")
    result, seen = None, wait_event is None
    while result is None or not seen:
        m = receive()
        if m.get("id") == next_id:
            if "error" in m: sys.exit(f"screenshot-report: {method}: {m['error'].get('message')}")
            result = m["result"]
        elif wait_event and m.get("method") == wait_event:
            seen = True
    return result

target = call("Target.createTarget", url="about:blank")["targetId"]
session = call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
call("Page.enable", session)
call("Emulation.setDeviceMetricsOverride", session, width=width, height=900, deviceScaleFactor=1, mobile=False)
call("Page.navigate", session, wait_event="Page.loadEventFired", url="file://" + report)
size = call("Page.getLayoutMetrics", session)["cssContentSize"]
height = int(size["height"] + 0.5)
shot = call("Page.captureScreenshot", session, format="png", captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
with open(png, "wb") as f:
    f.write(base64.b64decode(shot["data"]))
try:
    call("Browser.close")
except SystemExit:
    pass
proc.wait(timeout=10)
print(f"{png} ({width}×{height} px)")
PY
