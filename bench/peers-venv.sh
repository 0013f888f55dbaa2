# Sourced by the bench/ scripts that compare mote with PyPI peers (POSIX sh).
#
#   peers_venv DIR MODULES PACKAGE...
#
# Makes DIR a virtual environment of Debian's /usr/bin/python3 (never a pyenv
# shim: plain `python3` may be one) in which `import MODULES` works
# (MODULES: comma-separated), installing PACKAGE... from PyPI when it does
# not. Nothing goes into the project or the system. The scripts share one
# environment, build/peers-venv (or $VENV); Debian's torch stays outside it
# (it loads only with Debian's numpy). Returns non-zero when PyPI fails.
peers_venv() {
  _dir=$1 _modules=$2
  shift 2
  if [ -x "$_dir/bin/python" ] && "$_dir/bin/python" -c "import $_modules" 2>/dev/null; then return 0; fi
  echo "setting up $_dir (PyPI: $*)" >&2
  [ -x "$_dir/bin/python" ] || /usr/bin/python3 -m venv "$_dir" || return 1
  "$_dir/bin/pip" install --quiet --disable-pip-version-check "$@" >&2 || return 1
  "$_dir/bin/python" -c "import $_modules" 2>/dev/null
}
