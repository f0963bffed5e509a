#!/usr/bin/env bash
# A SMART Backend Services client in a few lines of shell (bash + openssl), for trying the API by hand.
#
#   smart-client.sh keygen DIR                      new RSA key: DIR/private.pem (keep it secret), DIR/jwks.json (register it)
#   smart-client.sh assertion DIR CLIENT_ID TOKEN_URL   prints a signed client assertion (RS384, valid 4 minutes, fresh jti)
#   smart-client.sh token DIR CLIENT_ID TOKEN_URL [SCOPE]   asks for an access token (needs curl) and prints the JSON answer
#
# SMART_NOW (seconds since 1970) overrides the clock, for tests on a fake clock.
set -euo pipefail

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
hex2bin() { if command -v xxd >/dev/null 2>&1; then xxd -r -p; else perl -ne 'binmode STDOUT; chomp; s/([0-9a-fA-F]{2})/chr(hex($1))/ge; print'; fi; }

case "${1:-}" in
  keygen)
    dir=$2
    mkdir -p "$dir"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/private.pem" 2>/dev/null
    chmod 600 "$dir/private.pem"
    n=$(openssl rsa -in "$dir/private.pem" -noout -modulus | cut -d= -f2 | hex2bin | b64url)
    kid=$(printf %s "$n" | openssl dgst -sha256 -binary | b64url | cut -c1-16)
    printf '%s' "$kid" > "$dir/kid"
    printf '{"keys":[{"kty":"RSA","alg":"RS384","use":"sig","kid":"%s","n":"%s","e":"AQAB"}]}\n' "$kid" "$n" > "$dir/jwks.json"
    echo "wrote $dir/private.pem and $dir/jwks.json (kid $kid)"
    ;;
  assertion)
    dir=$2 client=$3 aud=$4
    now=${SMART_NOW:-$(date +%s)}
    header=$(printf '{"alg":"RS384","typ":"JWT","kid":"%s"}' "$(cat "$dir/kid")" | b64url)
    payload=$(printf '{"iss":"%s","sub":"%s","aud":"%s","exp":%d,"jti":"%s"}' "$client" "$client" "$aud" $((now + 240)) "$(openssl rand -hex 16)" | b64url)
    signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha384 -sign "$dir/private.pem" -binary | b64url)
    printf '%s.%s.%s\n' "$header" "$payload" "$signature"
    ;;
  token)
    dir=$2 client=$3 url=$4 scope=${5:-system/*.rs}
    curl -sS "$url" \
      --data-urlencode grant_type=client_credentials \
      --data-urlencode "scope=$scope" \
      --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
      --data-urlencode "client_assertion=$("$0" assertion "$dir" "$client" "$url")"
    echo
    ;;
  *)
    sed -n '2,9p' "$0"
    exit 2
    ;;
esac
