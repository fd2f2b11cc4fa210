#!/bin/sh
# Removes what the kyso-agent pkg installed (run with sudo). Each user's CA leaves their login keychain with
# `kyso-agent ca uninstall` run as that user before this. User data (~/Library/Application Support/kyso-agent) stays.
set -eu

for label in vn.kyso.agent vn.kyso.agent.ca; do
  rm -f "/Library/LaunchAgents/$label.plist"
done
for dir in "/Library/Google/Chrome/NativeMessagingHosts" "/Library/Microsoft/Edge/NativeMessagingHosts" \
  "/Library/Application Support/Chromium/NativeMessagingHosts" "/Library/Application Support/Mozilla/NativeMessagingHosts"; do
  rm -f "$dir/vn.kyso.agent.json"
done
rm -rf "/Library/Application Support/kyso-agent/native-host"
rm -rf "/Applications/kyso-agent.app"
pkgutil --forget vn.kyso.agent >/dev/null 2>&1 || true
exit 0
