#!/bin/sh
# Installs the .deb into a throwaway root, runs the INSTALLED agent, then purges it (native-tests/installer).
# The root is an overlay over this machine's / in a private mount namespace: every write lands in a tmpfs that
# vanishes with the namespace, so the machine itself is never changed. Run as: unshare -m sh throwaway-root.sh
# Environment: DEB (the package), OUT (a host folder for results), SOFTHSM2_CONF, MODULE, CERT, PIN, INPUT.
set -eu

ovl=$(mktemp -d /tmp/kyso-ovl-XXXXXX)
mount -t tmpfs tmpfs "$ovl"
mkdir -p "$ovl/upper" "$ovl/work" "$ovl/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$ovl/upper,workdir=$ovl/work" "$ovl/root"
r="$ovl/root"
mount --rbind /dev "$r/dev"
mount -t proc proc "$r/proc"
# Results must outlive the namespace: the host's OUT folder is bound into the root at the same path.
mkdir -p "$r$OUT"
mount --bind "$OUT" "$r$OUT"
cp "$DEB" "$r/tmp/kyso-agent.deb"

in_root() { chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp/kyso-home \
  SOFTHSM2_CONF="$SOFTHSM2_CONF" KYSO_PKCS11_MODULES="$MODULE" KYSO_AGENT_POLICY=/etc/kyso-agent/policy.json "$@"; }

in_root dpkg -i /tmp/kyso-agent.deb > "$OUT/dpkg-install.log" 2>&1
in_root dpkg -i /tmp/kyso-agent.deb > "$OUT/dpkg-reinstall.log" 2>&1
rm "$r/tmp/kyso-agent.deb"
in_root readlink -f /usr/bin/kyso-agent > "$OUT/which.txt"
in_root kyso-agent --version > "$OUT/version.txt"
in_root kyso-agent doctor --json > "$OUT/doctor.json"

# Sign a file's hash (detached CMS) on SoftHSM2 with the installed executable and its pkcs11js addon.
mkdir -p "$r/tmp/kyso-sign-out"
printf '%s\n' "$PIN" | in_root kyso-agent sign cms "$INPUT" --cert "$CERT" --out /tmp/kyso-sign-out --pin-stdin \
  > "$OUT/sign.log" 2>&1
cp "$r"/tmp/kyso-sign-out/* "$OUT/"

# Run the installed agent and ask it over loopback (the admin policy approves the test origin).
printf '{"allowedOrigins":["https://portal.example.vn"],"allowPairing":false}\n' > "$r/etc/kyso-agent/policy.json"
in_root kyso-agent start --port 0 --data-dir /tmp/kyso-home/data > "$OUT/start.out" 2> "$OUT/start.err" &
agent=$!
i=0
until grep -q '"ready"' "$OUT/start.out" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -gt 300 ]; then echo "agent not ready" >&2; kill "$agent"; exit 1; fi
  sleep 0.1
done
port=$(sed -n 's/.*"tlsPort":\([0-9]*\).*/\1/p' "$OUT/start.out" | head -n 1)
curl -sk --max-time 10 -H 'Origin: https://portal.example.vn' -H 'Content-Type: application/json' \
  --data '{"jsonrpc":"2.0","id":1,"method":"tokens.list"}' "https://127.0.0.1:$port/v1/rpc" > "$OUT/rpc.json"
# A 2 MiB XML to verify: the installed agent hands it to its document worker (document-worker.mjs beside the executable).
{ printf '{"jsonrpc":"2.0","id":2,"method":"document.verify","params":{"fileName":"big.xml","document":"'
  { printf '<r>'; head -c 2000000 /dev/zero | tr '\0' 'a'; printf '</r>'; } | base64 -w 0
  printf '"}}'; } > "$OUT/verify-request.json"
curl -sk --max-time 30 -H 'Origin: https://portal.example.vn' -H 'Content-Type: application/json' \
  --data-binary "@$OUT/verify-request.json" "https://127.0.0.1:$port/v1/rpc" > "$OUT/verify.json"
kill -TERM "$agent"
wait "$agent" || true
cp "$r/tmp/kyso-home/data/logs/agent.log" "$OUT/agent.log"
rm "$r/etc/kyso-agent/policy.json"
rm -rf "$r/tmp/kyso-home" "$r/tmp/kyso-sign-out"

in_root dpkg --purge kyso-agent > "$OUT/dpkg-purge.log" 2>&1
# What the install changed for good: every file, link and whiteout (c: a path of the machine that was removed).
(cd "$ovl/upper" && find . \( -type f -o -type l -o -type c \) -printf '%y %p\n' | sort -k 2) > "$OUT/left.txt"
umount "$r$OUT"
