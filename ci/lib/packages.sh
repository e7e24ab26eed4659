# shellcheck shell=bash
# Installs missing Debian packages (sourced by ci/test and ci/lab/start).
#
# Usage: ensure_packages BINARY:PACKAGE ...
# A package is installed only when its binary is not on PATH (or in /usr/sbin). As root,
# `apt-get update` runs at most once per process, non-interactively, and service start-up
# by package scripts is blocked so that a distribution nginx/knot cannot grab the lab's ports.
# Not root and something missing: prints what to install and returns 1.

_govscan_apt_updated=no

_have_binary() {
    command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

ensure_packages() {
    local pair binary package missing=()
    for pair in "$@"; do
        binary=${pair%%:*}
        package=${pair#*:}
        if ! _have_binary "$binary"; then
            missing+=("$package")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: missing packages: ${missing[*]} (run as root, or: apt-get install ${missing[*]})" >&2
        return 1
    fi
    echo "installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    if [ "$_govscan_apt_updated" = no ]; then
        apt-get update -qq
        _govscan_apt_updated=yes
    fi
    # Keep package scripts from starting system services (a distribution nginx on *:80 or
    # knot on *:53 would collide with the lab). Only a policy file we created is removed.
    local policy=/usr/sbin/policy-rc.d created_policy=no
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        created_policy=yes
    fi
    local rc=0
    apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
    if [ "$created_policy" = yes ]; then
        rm -f "$policy"
    fi
    return "$rc"
}
