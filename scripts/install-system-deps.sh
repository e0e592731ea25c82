#!/usr/bin/env bash
# Install the system packages linli needs, on Debian 12 / Ubuntu (apt).
#
#   fonts-noto-cjk   Noto Sans/Serif CJK: Chinese text in HTML/PDF reports (Chromium reads
#                    fonts through fontconfig) and a system fallback for matplotlib figures
#   fonts-liberation2
#                    Liberation Sans/Serif, metric-compatible with Arial and Times New Roman:
#                    the Latin text of the reports (their CSS asks for Liberation Sans) and of
#                    the Word files (Arial, Times New Roman) set as wide as Word sets it
#                    (without it LibreOffice and Chromium fall back to the wider DejaVu)
#   fontconfig       fc-cache / fc-list
#   chromium         headless HTML -> PDF export and screenshots
#   poppler-utils    pdftoppm / pdftotext, to check the PDFs
#   libreoffice-writer-nogui, libreoffice-calc-nogui
#                    headless LibreOffice: the tests open the Word reports and the
#                    indicators workbook with it (linli itself does not need it)
#
# Idempotent and non-interactive: packages already installed are skipped, and
# `apt-get update` runs only when something is missing. Run as root (or with sudo).
#
# Usage: scripts/install-system-deps.sh [--fonts-only] [--check] [--help]
#   --fonts-only  only the fonts (enough for figures; no Chromium, no LibreOffice)
#   --check       install nothing; list what is missing and exit 1 if anything is
set -euo pipefail

FONTS=(fonts-noto-cjk fonts-liberation2 fontconfig)
BROWSER=(chromium poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui)

fonts_only=0
check=0
for arg in "$@"; do
    case "$arg" in
        --fonts-only) fonts_only=1 ;;
        --check) check=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "install-system-deps: unknown option '$arg' (known: --fonts-only, --check, --help)" >&2; exit 2 ;;
    esac
done

wanted=("${FONTS[@]}")
if [ "$fonts_only" -eq 0 ]; then
    wanted+=("${BROWSER[@]}")
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-deps: no apt/dpkg here; install these by hand: ${wanted[*]}" >&2
    echo "install-system-deps: (matplotlib figures still render Chinese with the font pip installs)" >&2
    exit 1
fi

missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-system-deps: all present (${wanted[*]})"
    exit 0
fi

if [ "$check" -eq 1 ]; then
    echo "install-system-deps: missing: ${missing[*]}"
    exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "install-system-deps: run as root (or install sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi

echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# apt's chatter (and debconf's "delaying package configuration") goes to a log that is
# shown only when a step fails.
if ! { "${SUDO[@]}" apt-get update -qq \
       && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-system-deps: apt-get failed (see above)" >&2
    exit 1
fi
if command -v fc-cache >/dev/null 2>&1; then
    fc-cache -f >/dev/null 2>&1 || true
fi
echo "install-system-deps: done"
