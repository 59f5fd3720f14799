#!/bin/bash
# http-ok PORT PATH [BELOW]: succeeds when http://127.0.0.1:PORT/PATH answers with a status under
# BELOW (default 400). The images' health checks: bash alone, no Node process per check, which
# matters on a loaded host where starting Node can outlast the check's timeout.
exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
read -r -t 8 _ code _ <&3 || exit 1
[[ "$code" =~ ^[0-9]{3}$ ]] && [ "$code" -lt "${3:-400}" ]
