# Shared by bin/edge-gateway and bin/edge-gateway-client (POSIX sh, sourced).
# Expects: main_class, and optionally logback (a file name under BASE/conf).

# The install folder, following symbolic links to the script.
self=$0
while [ -h "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=$(dirname "$self")/$link ;;
  esac
done
base=$(cd "$(dirname "$self")/.." && pwd)
name=$(basename "$0")

# Java 17 or newer, from JAVA_HOME or PATH.
if [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
  if [ ! -x "$java" ]; then
    echo "$name: JAVA_HOME is $JAVA_HOME but $java is not an executable; point JAVA_HOME at a Java 17 or newer installation" >&2
    exit 1
  fi
elif command -v java >/dev/null 2>&1; then
  java=$(command -v java)
else
  echo "$name: Java 17 or newer is required but none was found: install it (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME" >&2
  exit 1
fi
version=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
major=${version%%.*}
if [ "$major" = "1" ]; then
  major=$(echo "$version" | cut -d. -f2)
fi
case $major in
  ''|*[!0-9]*)
    echo "$name: cannot tell the version of $java; Java 17 or newer is required" >&2
    exit 1 ;;
esac
if [ "$major" -lt 17 ]; then
  echo "$name: $java is Java $version; Java 17 or newer is required (set JAVA_HOME to a newer one)" >&2
  exit 1
fi

# The home, for its jvm.options: --home DIR or --home=DIR, else EDGE_GATEWAY_HOME, else ~/.edge-gateway.
home=${EDGE_GATEWAY_HOME:-${HOME:-.}/.edge-gateway}
previous=
for arg in "$@"; do
  if [ "$previous" = "--home" ]; then
    home=$arg
  fi
  case $arg in
    --home=*) home=${arg#--home=} ;;
  esac
  previous=$arg
done

# JVM options change what the JVM runs (-javaagent, -XX:OnError=...), so HOME/conf/jvm.options is read
# only when the home, its conf folder and the file all belong to the user running this command and no
# one else may write them. Otherwise (root running a command on the service user's home, one user on
# another's) it is ignored, with a note, and the bundle's conf/jvm.options is used: nobody can put
# options into the JVM of a user who did not write them. EGW_JAVA_OPTS stays the caller's own.
uid_of() {
  ls -ldn "$1" 2>/dev/null | awk '{print $3}'
}
private_to_me() {
  [ -e "$1" ] && [ ! -h "$1" ] && [ "$(uid_of "$1")" = "$me" ] || return 1
  case $(ls -ldn "$1" | cut -c6,9) in
    *w*) return 1 ;;
  esac
  return 0
}
me=$(id -u)
options_file=$base/conf/jvm.options
if [ -e "$home/conf/jvm.options" ] || [ -h "$home/conf/jvm.options" ]; then
  if private_to_me "$home/." && private_to_me "$home/conf/." && private_to_me "$home/conf/jvm.options" \
      && [ -f "$home/conf/jvm.options" ]; then
    options_file=$home/conf/jvm.options
  else
    echo "$name: ignoring $home/conf/jvm.options: the home, its conf folder and that file must belong to you (uid $me) and be writable by no one else; using $options_file (set EGW_JAVA_OPTS for options of this run)" >&2
  fi
fi
opts=
if [ -f "$options_file" ]; then
  opts=$(grep -v '^[[:space:]]*#' "$options_file" | grep -v '^[[:space:]]*$' | tr '\n' ' ')
fi

jvm_props=
if [ -n "${logback:-}" ]; then
  jvm_props="-Dlogback.configurationFile=$base/conf/$logback"
fi
# shellcheck disable=SC2086 # opts are whitespace-separated JVM options on purpose
# glibc gives each thread that allocates its own malloc arena; two are plenty for a gateway whose
# allocations are almost all on the Java heap, and save RSS on a small host.
MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export MALLOC_ARENA_MAX
exec "$java" $opts ${EGW_JAVA_OPTS:-} -Degw.base="$base" $jvm_props -cp "$base/lib/*" "$main_class" "$@"
