#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Installs the Debian packages named on the command line that are not
# installed yet.  Uses sudo only when not root.  On a system without
# apt-get and dpkg it names what is missing and fails.
set -eu

missing=
for pkg in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing="$missing $pkg"
	fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: this is not a Debian/Ubuntu system (no apt-get);" \
		"install the equivalents of those packages by hand" >&2
	exit 1
fi

sudo=
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "deps: missing packages:$missing; not root and no sudo" >&2
		exit 1
	fi
	sudo=sudo
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $sudo apt-get install -y -q --no-install-recommends $missing; then
	$sudo apt-get update -q
	$sudo apt-get install -y -q --no-install-recommends $missing
fi
