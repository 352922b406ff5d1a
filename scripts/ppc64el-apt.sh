# SPDX-License-Identifier: GPL-2.0
# Sourced: apt for Debian 12's ppc64el archive in a private state directory,
# so the system's apt configuration, lists and dpkg status are never
# touched.  ppc64el_apt DIR sets APT (the apt-get command line) and runs
# its update, again when the lists are more than 12 hours old (the archive
# drops superseded packages).
# shellcheck shell=bash

ppc64el_apt() {
	local d=$1
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	[ -f "$d/status" ] || : > "$d/status"
	# Only the main suite: the security suite's ppc64el index once
	# failed with a size mismatch, and main alone has everything needed.
	cat > "$d/sources.list" <<SRC
deb [arch=ppc64el signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
SRC
	APT=(apt-get -q -o APT::Architecture=ppc64el -o APT::Architectures=ppc64el
	     -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache"
	     -o Dir::State::status="$d/status"
	     -o Dir::Etc::SourceList="$d/sources.list"
	     -o Dir::Etc::SourceParts=/dev/null -o Debug::NoLocking=1)
	[ -z "$(find "$d/.updated" -mmin -720 2>/dev/null)" ] || return 0
	"${APT[@]}" update > "$d/update.log" 2>&1 ||
		die "apt update for ppc64el failed (see $d/update.log)"
	touch "$d/.updated"
}
