#!/bin/sh
# Boot script of the app image: serve the baked site on $PORT (default 8080) in the foreground.
set -eu
PORT="${PORT:-8080}"
ADDRESS="${ADDRESS:-127.0.0.1}"
sed -i "s/__ADDRESS__/$ADDRESS/; s/__PORT__/$PORT/" /etc/nginx/sites-available/default
echo "serving ${WEB_ROOT:-/srv/www/site} on $ADDRESS:$PORT"
exec nginx -g 'daemon off;'
