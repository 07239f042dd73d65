import { shellQuote } from '../util/shell-quote';

/**
 * Every command runs with this variable set to a fresh value, so an aborted or timed-out command's process
 * tree can be found (and killed) on the instance: neither closing an SSH channel nor dropping a `docker exec`
 * stream stops what the command started.
 */
export const MARKER_VAR = 'NX_BAKE_EXEC_MARKER';

/**
 * Kills the processes whose environment carries the marker (`$1`), the process groups they lead (sshd makes
 * each session its own group; a reparented background job stays in it), and all their descendants (sudo and
 * friends reset the environment). Two rounds catch late forks. Only POSIX sh, tr, grep and sed reading /proc
 * are required, so it runs in a minimal image: GNU `grep -z` (one pass over every environ) and awk (one pass
 * over every status) are used where present, because they are much faster on a busy host than the loops.
 */
export const KILL_SCRIPT = `
m="${MARKER_VAR}=$1"
marked() {
  if printf 'x\\000' | grep -qzxF x 2>/dev/null; then
    grep -lzxF "$m" /proc/[0-9]*/environ 2>/dev/null | sed 's|^/proc/||; s|/environ$||'
  else
    for p in /proc/[0-9]*; do
      tr '\\000' '\\n' 2>/dev/null < "$p/environ" | grep -qxF "$m" && echo "\${p#/proc/}"
    done
  fi
}
descendants() {
  if command -v awk >/dev/null 2>&1; then
    cat /proc/[0-9]*/status 2>/dev/null | awk -v roots="$1" '
      /^Pid:/ { pid = $2 }
      /^PPid:/ { parent[pid] = $2 }
      END {
        n = split(roots, r, " ")
        for (i = 1; i <= n; i++) doomed[r[i]] = 1
        for (grew = 1; grew; ) {
          grew = 0
          for (p in parent) if (!(p in doomed) && (parent[p] in doomed)) { doomed[p] = 1; grew = 1 }
        }
        for (p in doomed) printf "%s ", p
      }'
  else
    found=" $1 "
    grew=1
    while [ $grew = 1 ]; do
      grew=0
      for p in /proc/[0-9]*; do
        pid=\${p#/proc/}
        case "$found" in *" $pid "*) continue ;; esac
        ppid=$(sed -n 's/^PPid:[[:space:]]*//p' "$p/status" 2>/dev/null)
        case "$found" in *" $ppid "*) found="$found$pid "; grew=1 ;; esac
      done
    done
    echo "$found"
  fi
}
for round in 1 2; do
  roots=$(marked | tr '\\n' ' ')
  [ -z "$roots" ] && exit 0
  pids=$(descendants "$roots")
  groups=""
  for pid in $roots; do
    # /proc/<pid>/stat after the command name: state, ppid, pgrp, ...
    set -- $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null)
    [ "$3" = "$pid" ] && groups="$groups -$pid"
  done
  [ -n "$groups" ] && kill -9 $groups 2>/dev/null
  kill -9 $pids 2>/dev/null
done
exit 0
`;

/** The kill as one shell command line, for a transport that takes a string (SSH); `docker exec` passes KILL_SCRIPT and the marker as arguments. */
export function killCommand(marker: string): string {
  return `exec /bin/sh -c ${shellQuote(KILL_SCRIPT)} sh ${shellQuote(marker)}`;
}
