#!/usr/bin/env bash
# Installs every Debian package scadenzario needs to build, test and run.
# Idempotent: apt-get skips what is already installed. Needs root (or sudo).
set -euo pipefail

packages=(
  cmake g++ make pkg-config git
  libboost1.81-dev libboost-json1.81-dev
  libcurl4-openssl-dev libsqlite3-dev libssl-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev nlohmann-json3-dev
  libsystemd-dev libhowardhinnant-date-dev tzdata
  catch2
  python3 python3-icalendar python3-aiosmtpd   # independent peers for the tests
  openssl                                      # certificates made at test time (SMTP, HTTPS)
  strace                                       # proves the idle service makes no system calls
  systemd                                      # systemd-analyze, -sysusers, -tmpfiles check the units
  dpkg-dev file                                # the .deb: dpkg-shlibdeps, and file for CPack
  man-db                                       # `man scadenzario` in the package test
  python3-yaml                                 # reads publiccode.yml in its test
  clang-16 libclang-rt-16-dev                  # libFuzzer targets (tests/fuzz); clang 14 lacks
                                               # what libstdc++'s std::expected needs
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
