#!/bin/bash
# doorplate first-boot setup, run once by doorplate-firstboot.service on a freshly flashed Pi:
# host name and device id from the Pi's serial number, the service user in the gpio/spi/video
# groups, the app's modules, the role's unit enabled, optional read-only root; then it
# disables itself. Running it again changes nothing.
#
# Every path and every command is taken from the environment so that a test can run it
# against a fake root folder with stand-in commands; the defaults are the real system.
set -euo pipefail

ROOT="${ROOT:-/}"
R="${ROOT%/}"
SITE_ENV="${SITE_ENV:-$R/etc/doorplate/site.env}"
CPUINFO="${CPUINFO:-$R/proc/cpuinfo}"
DT_SERIAL="${DT_SERIAL:-$R/sys/firmware/devicetree/base/serial-number}"
BOOT_DIR="${BOOT_DIR:-$R/boot/firmware}"
APP_DIR="${APP_DIR:-$R/opt/doorplate}"
UNIT_DIR="${UNIT_DIR:-/lib/systemd/system}"
WANTS_DIR="${WANTS_DIR:-$R/etc/systemd/system/multi-user.target.wants}"
RFKILL_STATE_DIR="${RFKILL_STATE_DIR:-$R/var/lib/systemd/rfkill}"
NODE="${NODE:-node}"
NPM="${NPM:-npm}"
APT_GET="${APT_GET:-apt-get}"
SYSTEMCTL="${SYSTEMCTL:-systemctl}"
RASPI_CONFIG="${RASPI_CONFIG:-raspi-config}"
HOSTNAME_CMD="${HOSTNAME_CMD:-hostname}"
RFKILL="${RFKILL:-rfkill}"
# Node 20.9 is the oldest the app (and sharp's ARMv6 build) supports.
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=9
SERVICE_USER=doorplate

log() { echo "doorplate-firstboot: $*"; }
die() {
  echo "doorplate-firstboot: error: $*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

[ -r "$SITE_ENV" ] || die "$SITE_ENV is missing: this image was not built by doorplate image build"
# shellcheck source=/dev/null
. "$SITE_ENV"
ROLE="${DOORPLATE_ROLE:?site.env sets no DOORPLATE_ROLE}"
case "$ROLE" in edge | server | node) ;; *) die "$SITE_ENV: DOORPLATE_ROLE: unknown role $ROLE" ;; esac

# --- device id and host name -------------------------------------------------------------
serial=""
if [ -r "$CPUINFO" ]; then
  serial="$(awk -F: '/^Serial[[:space:]]*:/ { gsub(/[[:space:]]/, "", $2); print $2 }' "$CPUINFO")"
fi
if [ -z "$serial" ] && [ -r "$DT_SERIAL" ]; then
  serial="$(tr -d '\000[:space:]' <"$DT_SERIAL")"
fi
serial="$(printf '%s' "$serial" | tr 'A-F' 'a-f' | tr -cd '0-9a-f')"
[ "${#serial}" -ge 8 ] || die "no serial number in $CPUINFO or $DT_SERIAL"
short="${serial: -8}"
DEVICE_ID="doorplate-$short"
pattern="${DOORPLATE_HOSTNAME_PATTERN:-}"
[ -n "$pattern" ] || pattern='doorplate-{serial}'
HOST="${pattern//\{serial\}/$short}"

write_if_changed() { # path mode content
  local path="$1" mode="$2" content="$3"
  if [ ! -f "$path" ] || [ "$(cat "$path")" != "$content" ]; then
    mkdir -p "$(dirname "$path")"
    printf '%s\n' "$content" >"$path.tmp"
    chmod "$mode" "$path.tmp"
    mv -f "$path.tmp" "$path"
  fi
  chmod "$mode" "$path"
}

write_if_changed "$R/etc/hostname" 0644 "$HOST"
hosts="$R/etc/hosts"
if [ -f "$hosts" ]; then
  if grep -q '^127\.0\.1\.1[[:space:]]' "$hosts"; then
    if ! grep -qx "127.0.1.1[[:space:]]*$HOST" "$hosts"; then
      sed -i "s/^127\.0\.1\.1[[:space:]].*/127.0.1.1\t$HOST/" "$hosts"
    fi
  else
    printf '127.0.1.1\t%s\n' "$HOST" >>"$hosts"
  fi
else
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$HOST" >"$hosts"
fi
"$HOSTNAME_CMD" "$HOST"
log "device $DEVICE_ID, host name $HOST"

# The app's config loader reads DOORPLATE_EDGE__DEVICE_ID as edge.deviceId.
write_if_changed "$R/etc/doorplate/device.env" 0644 "DOORPLATE_EDGE__DEVICE_ID=$DEVICE_ID"

# --- service user ------------------------------------------------------------------------
# useradd/groupadd/usermod --prefix edit ROOT's /etc files directly (no chroot, no PAM), so
# the same calls work on the Pi and on a test's fake root.
for g in gpio spi video; do
  grep -q "^$g:" "$R/etc/group" || groupadd --prefix "$ROOT" --system "$g"
done
if ! grep -q "^$SERVICE_USER:" "$R/etc/passwd"; then
  useradd --prefix "$ROOT" --system --user-group --no-create-home \
    --home-dir /var/lib/doorplate --shell /usr/sbin/nologin --comment "doorplate service" "$SERVICE_USER"
fi
missing=""
for g in gpio spi video; do
  members="$(awk -F: -v g="$g" '$1 == g { print $4 }' "$R/etc/group")"
  case ",$members," in *",$SERVICE_USER,"*) ;; *) missing="$missing,$g" ;; esac
done
[ -z "$missing" ] || usermod --prefix "$ROOT" -a -G "${missing#,}" "$SERVICE_USER"

# Numbers from ROOT's own files: the host's name service knows nothing of a fake root.
uid="$(awk -F: -v u="$SERVICE_USER" '$1 == u { print $3 }' "$R/etc/passwd")"
gid="$(awk -F: -v u="$SERVICE_USER" '$1 == u { print $4 }' "$R/etc/passwd")"
mkdir -p "$R/var/lib/doorplate"
chown "$uid:$gid" "$R/var/lib/doorplate"
chmod 0750 "$R/var/lib/doorplate"
# The config holds the enrollment token: readable by the service, by nobody else.
if [ -f "$R/etc/doorplate/config.yml" ]; then
  chown "0:$gid" "$R/etc/doorplate/config.yml"
  chmod 0640 "$R/etc/doorplate/config.yml"
fi

# --- Wi-Fi, locale -----------------------------------------------------------------------
if [ "${DOORPLATE_WIFI:-no}" = yes ]; then
  # Raspberry Pi OS keeps Wi-Fi soft-blocked until a country is set; the image set it.
  "$RFKILL" unblock wifi || log "rfkill unblock wifi failed; continuing"
  for f in "$RFKILL_STATE_DIR"/*:wlan; do
    [ -e "$f" ] && write_if_changed "$f" 0644 0
  done
fi
if [ -n "${DOORPLATE_LOCALE:-}" ] && ! grep -qs "^LANG=$DOORPLATE_LOCALE\$" "$R/etc/default/locale"; then
  "$RASPI_CONFIG" nonint do_change_locale "$DOORPLATE_LOCALE" || log "could not set the locale $DOORPLATE_LOCALE; continuing"
fi

# --- Node and the app's modules ----------------------------------------------------------
node_ok() {
  local v
  v="$("$NODE" --version 2>/dev/null)" || return 1
  v="${v#v}"
  local major="${v%%.*}" rest="${v#*.}"
  local minor="${rest%%.*}"
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}
if ! node_ok; then
  log "installing Node.js from the distribution"
  "$APT_GET" update
  DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y --no-install-recommends nodejs npm
  node_ok || die "Node.js $("$NODE" --version 2>/dev/null || echo missing) is older than $NODE_MIN_MAJOR.$NODE_MIN_MINOR; use Raspberry Pi OS based on Debian 13 or an image built with --app-bundle on a Pi with a newer Node"
fi
# npm writes node_modules/.package-lock.json last, so its presence means a complete install.
if [ ! -f "$APP_DIR/node_modules/.package-lock.json" ]; then
  log "installing the app's modules (native ones are built for this Pi)"
  # spi-device and epoll compile with node-gyp; better-sqlite3 and sharp fetch ARM builds.
  DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y --no-install-recommends build-essential python3
  rm -rf "$APP_DIR/node_modules"
  (cd "$APP_DIR" && npm_config_cache="$R/var/cache/doorplate-npm" "$NPM" ci --omit=dev --no-audit --no-fund)
  rm -rf "$R/var/cache/doorplate-npm"
fi

# --- units -------------------------------------------------------------------------------
mkdir -p "$WANTS_DIR"
unit="doorplate-$ROLE.service"
ln -sfn "$UNIT_DIR/$unit" "$WANTS_DIR/$unit"

if [ "${DOORPLATE_OVERLAYROOT:-no}" = yes ]; then
  if ! grep -qs 'overlayroot=' "$BOOT_DIR/cmdline.txt"; then
    log "turning on the read-only root (overlayroot) from the next boot"
    "$RASPI_CONFIG" nonint do_overlayfs 0 || die "raspi-config could not turn on the overlay file system"
  fi
fi

rm -f "$WANTS_DIR/doorplate-firstboot.service"
"$SYSTEMCTL" --no-block start "$unit"
log "done: $unit enabled and started; first boot will not run again"
