#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates the test fixtures in this directory: throwaway keys (test use
# only, never enrol them), a tiny ELF relocatable standing in for a module,
# and golden signatures written by the kernel's scripts/sign-file.
# Needs openssl, gcc, binutils and linux-kbuild-6.1 (sign-file).
set -euo pipefail
cd "$(dirname "$0")"
SIGN_FILE=${SIGN_FILE:-/usr/lib/linux-kbuild-6.1/scripts/sign-file}
PIN=nfsbundle-test
days=36500
subj() { printf '/CN=%s/O=nfsbundle tests/' "$1"; }

openssl req -new -x509 -newkey rsa:2048 -keyout rsa.key -outform DER -out rsa.der -nodes -days $days \
	-subj "$(subj 'nfsbundle test RSA key')" -addext extendedKeyUsage=codeSigning 2>/dev/null
openssl x509 -inform DER -in rsa.der -out rsa.crt
openssl pkey -in rsa.key -outform DER -out rsa.key.der
cat rsa.key rsa.crt >rsa-combined.pem
openssl pkcs8 -topk8 -v2 aes256 -in rsa.key -out rsa-enc.key -passout pass:$PIN
openssl rsa -in rsa.key -aes256 -traditional -out rsa-legacy-enc.key -passout pass:$PIN 2>/dev/null
openssl pkcs8 -topk8 -v2 aes256 -in rsa.key -outform DER -out rsa-enc.key.der -passout pass:$PIN

openssl req -new -x509 -newkey rsa:2048 -keyout /dev/null -outform DER -out other.der -nodes -days $days \
	-subj "$(subj 'nfsbundle test RSA key')" 2>/dev/null
openssl req -new -x509 -newkey rsa:1024 -keyout rsa1024.key -out rsa1024.crt -nodes -days $days \
	-subj "$(subj 'weak')" 2>/dev/null
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout ec256.key -outform DER -out ec256.der \
	-nodes -days $days -subj "$(subj 'nfsbundle test ECDSA key')" 2>/dev/null
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-521 -keyout ec521.key -out ec521.crt \
	-nodes -days $days -subj "$(subj 'p521')" 2>/dev/null
openssl req -new -x509 -newkey ed25519 -keyout ed25519.key -out ed25519.crt -nodes -days $days \
	-subj "$(subj 'ed25519')" 2>/dev/null

# A small ELF relocatable object with a .modinfo section stands in for a .ko.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/tiny.c" <<'C'
static const char modinfo[] __attribute__((section(".modinfo"), used)) =
	"license=GPL\0name=tiny\0vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions \0";
int tiny_init(void) { return 0; }
C
gcc -c -Os -fno-asynchronous-unwind-tables -o tiny.ko "$tmp/tiny.c"
strip --strip-debug tiny.ko

for h in sha256 sha384 sha512 sha1; do
	cp tiny.ko "tiny.ko.rsa-$h"
	"$SIGN_FILE" "$h" rsa.key rsa.der "tiny.ko.rsa-$h"
done
cp tiny.ko tiny.ko.ec256-sha256
"$SIGN_FILE" sha256 ec256.key ec256.der tiny.ko.ec256-sha256
# sign-file with -k names the signer by subject key identifier.
cp tiny.ko tiny.ko.rsa-keyid
"$SIGN_FILE" -k sha256 rsa.key rsa.der tiny.ko.rsa-keyid
chmod 0600 ./*.key
