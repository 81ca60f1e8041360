"""OpenStack Swift with its S3 API, for the tests (issue #17): sync-server/src/test/s3.ts starts it.

Debian 12's swift 2.30 (python3-swift): a proxy with the s3api and tempauth middlewares, and one
account, container and object server over a folder, with one replica. The four WSGI apps are
Swift's own, loaded from their paste configs exactly as swift-proxy-server and the others load
them; they are served from one process, on eventlet, because four interpreters importing Swift on
a 2-core machine take seconds to start.

Usage: python3 swift-s3.py <folder> <secret key>
Prints one line of JSON, {"port": <the S3 endpoint's port>}, once every server is listening.
"""

import json
import os
import sys

import eventlet

eventlet.monkey_patch()

folder, secret = sys.argv[1], sys.argv[2]

# Swift reads its hash prefix and storage policies from /etc/swift/swift.conf; the tests' engine
# keeps everything in its own folder instead (set_swift_dir reads swift.conf from there).
with open(os.path.join(folder, "swift.conf"), "w") as f:
    f.write(
        "[swift-hash]\nswift_hash_path_prefix = common-ground\nswift_hash_path_suffix = tests\n"
        "[storage-policy:0]\nname = only\ndefault = yes\n"
    )
from swift.common import utils  # noqa: E402

utils.set_swift_dir(folder)

from swift.common.ring import RingBuilder  # noqa: E402
from swift.common.http_protocol import SwiftHttpProtocol  # noqa: E402
from swift.common.wsgi import loadapp  # noqa: E402
import eventlet.tpool  # noqa: E402
import eventlet.wsgi  # noqa: E402

DEVICES = os.path.join(folder, "node")
os.makedirs(os.path.join(DEVICES, "d1"), exist_ok=True)

# Every socket is bound first, on a free loopback port: the rings must name the servers' ports.
sockets = {name: eventlet.listen(("127.0.0.1", 0)) for name in ("account", "container", "object", "proxy")}
port = {name: s.getsockname()[1] for name, s in sockets.items()}

for name in ("account", "container", "object"):
    # 2^6 partitions, one replica, no minimum time between moves: a one-disk cluster.
    builder = RingBuilder(6, 1, 0)
    builder.add_dev(
        {"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port[name], "device": "d1", "weight": 1}
    )
    builder.rebalance()
    builder.get_ring().save(os.path.join(folder, f"{name}.ring.gz"))

COMMON = f"""[DEFAULT]
swift_dir = {folder}
devices = {DEVICES}
mount_check = false
disable_fallocate = true
log_level = WARNING
log_address = /nonexistent
"""

STORAGE = {
    "account": "use = egg:swift#account",
    "container": "use = egg:swift#container",
    "object": "use = egg:swift#object",
}

# The pipeline of Swift's proxy-server.conf-sample, cut to what S3 needs: s3api in front of
# tempauth, and slo, which s3api's multipart uploads are made of.
PROXY = f"""
[pipeline:main]
pipeline = catch_errors gatekeeper proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:cache]
use = egg:swift#memcache
# No memcached: the client finds the port closed and goes on without a cache.
memcache_servers = 127.0.0.1:9

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:tempauth]
use = egg:swift#tempauth
# The S3 access key is "account:user", here "test:tester".
user_test_tester = {secret} .admin

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo
"""


def conf_file(name, text):
    path = os.path.join(folder, f"{name}-server.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


apps = {}
for name in ("account", "container", "object"):
    apps[name] = loadapp(
        conf_file(name, COMMON + f"\n[pipeline:main]\npipeline = {name}-server\n\n[app:{name}-server]\n{STORAGE[name]}\n")
    )
apps["proxy"] = loadapp(conf_file("proxy", COMMON + PROXY))

quiet = open(os.devnull, "w")
for name, app in apps.items():
    # As swift.common.wsgi.run_server serves them; the AWS SDK needs "ETag", not eventlet's "Etag".
    eventlet.spawn(
        eventlet.wsgi.server,
        sockets[name],
        app,
        log=quiet,
        protocol=SwiftHttpProtocol,
        socket_timeout=60,
        capitalize_response_headers=False,
    )

print(json.dumps({"port": port["proxy"]}), flush=True)
try:
    # Until the parent closes our stdin (or kills us): nothing is left behind a dead test run.
    eventlet.tpool.execute(sys.stdin.read)
except KeyboardInterrupt:
    pass
