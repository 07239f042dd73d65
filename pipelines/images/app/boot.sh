#!/bin/sh
# Boot script of the app image: serve the baked site on $PORT (default 8080) in the foreground.
set -eu
PORT="${PORT:-8080}"
sed -i "s/__PORT__/$PORT/" /etc/nginx/sites-available/default
echo "serving ${WEB_ROOT:-/srv/www/site} on port $PORT"
exec nginx -g 'daemon off;'
