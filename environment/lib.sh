# Shared parts of the scripts in environment/, sourced (never run) by each of them after it sets ROOT.
# Written for bash 3.2 (macOS's /bin/bash) and BSD tools as well as GNU ones: no mapfile, no ${var,,},
# no declare -A, no readlink -f, no sed -i, no GNU-only find or stat flags; an empty array is expanded
# as ${a[@]+"${a[@]}"} (bash < 4.4 calls "${a[@]}" of an empty array unbound under set -u).

# The directory the user ran the command from, before the script changes it (a relative FASTBOOK_DATA is
# meant from there; once resolved, FASTBOOK_DATA is exported absolute to the scripts and kernels it starts).
FASTBOOK_CALLER_DIR="$PWD"

# Prints the comment block at the top of a script (its usage) and exits.
fb_help() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"; exit 0; }

# Resolves symbolic links like GNU `readlink -f`, with only POSIX tools.
fb_realpath() {
  local path="$1" dir link n=0
  while [ -L "$path" ] && [ $n -lt 40 ]; do
    dir="$(cd "$(dirname "$path")" && pwd -P)"
    link="$(readlink "$path")" && [ -n "$link" ] || break
    case "$link" in /*) path="$link" ;; *) path="$dir/$link" ;; esac
    n=$((n + 1))
  done
  dir="$(cd "$(dirname "$path")" && pwd -P)" || return 1
  printf '%s/%s\n' "$dir" "$(basename "$path")"
}

# FASTBOOK_DATA: a relative value is taken from the directory the command was run in; unset, it defaults to
# ../shared/data beside the repository when that folder exists (as on CI); else the library uses its cache
# in ~/.fastbook or downloads MovieLens. Exported as an absolute path, because the kernel runs elsewhere.
fb_data_default() {
  if [[ -n "${FASTBOOK_DATA:-}" ]]; then
    case "$FASTBOOK_DATA" in
      /*) ;;
      *) FASTBOOK_DATA="$FASTBOOK_CALLER_DIR/$FASTBOOK_DATA" ;;
    esac
    if [[ -d "$FASTBOOK_DATA" ]]; then FASTBOOK_DATA="$(cd "$FASTBOOK_DATA" && pwd)"; fi
    export FASTBOOK_DATA
  elif [[ -d "$ROOT/../shared/data" ]]; then
    FASTBOOK_DATA="$(cd "$ROOT/../shared/data" && pwd)"
    export FASTBOOK_DATA
  fi
}

# JAVA: the java that runs Maven (JAVA_HOME first, as Maven does), links resolved, so the kernelspec keeps
# working when the PATH changes.
fb_find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    JAVA="$(fb_realpath "$JAVA_HOME/bin/java")"
  elif command -v java >/dev/null 2>&1; then
    JAVA="$(fb_realpath "$(command -v java)")"
  else
    echo "[${FB_NAME:-env}] no java found: install a JDK 17 or newer and put it on PATH or set JAVA_HOME" >&2
    return 1
  fi
}

# JVM options every java the scripts start gets. --enable-native-access=ALL-UNNAMED keeps JDK 22+ from
# printing restricted-method warnings when JNA and DJL load native code; JDK 17 to 21 accept it silently.
# Each switch is added only when this java accepts it without a word (an older or odd JVM gets nothing).
# --sun-misc-unsafe-memory-access=allow does the same on JDK 23+ for classgraph (a Tablesaw dependency), which
# frees buffers through sun.misc.Unsafe: JDK 24+ would print four WARNING lines the first time it does.
fb_java_opts() {
  JAVA_OPTS=()
  local out opt
  for opt in --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow; do
    if out="$("$JAVA" "$opt" -version 2>&1)" && ! grep -qi -E 'warning|unrecognized' <<<"$out"; then
      JAVA_OPTS+=("$opt")
    fi
  done
  JAVA_OPTS+=(-Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.ai.djl=error)
}

# libtorch 2.7.1 prints "Warning: AutoNonVariableTypeMode is deprecated ..." once per process when DJL's JNI
# enters its no-grad mode. It is written by C++ straight to stderr; neither DJL nor libtorch (TORCH_CPP_LOG_LEVEL
# is read only by PyTorch's Python module) has a switch for it, so the scripts drop that one line where it would
# reach a console (the kernel's copy goes to its log file). It says nothing about this project's code.
FB_TORCH_NOISE='AutoNonVariableTypeMode is deprecated'

# apt-get as root or with password-less sudo. Returns 1 (doing nothing) where apt-get cannot be used.
fb_can_apt() {
  command -v apt-get >/dev/null 2>&1 || return 1
  FB_SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
    FB_SUDO="sudo -n"
  fi
}
fb_apt_install() {
  fb_can_apt || return 1
  export DEBIAN_FRONTEND=noninteractive
  $FB_SUDO apt-get update -q
  $FB_SUDO apt-get install -y -q --no-install-recommends "$@"
}

# JUPYTER: FASTBOOK_JUPYTER when set (it must work), else Debian's /usr/bin/jupyter, else a `jupyter` on PATH;
# each only when `jupyter nbconvert` runs. Returns 1 when none does. NBCONVERT_VERSION is set on success.
# FASTBOOK_SYSTEM_JUPYTER replaces /usr/bin/jupyter (the tests point it nowhere to play a machine without it).
fb_jupyter_works() { NBCONVERT_VERSION="$("$1" nbconvert --version 2>/dev/null | head -1)" && [[ -n "$NBCONVERT_VERSION" ]]; }
fb_find_jupyter() {
  JUPYTER=""
  if [[ -n "${FASTBOOK_JUPYTER:-}" ]]; then
    fb_jupyter_works "$FASTBOOK_JUPYTER" && JUPYTER="$FASTBOOK_JUPYTER"
  else
    local candidate
    for candidate in "${FASTBOOK_SYSTEM_JUPYTER:-/usr/bin/jupyter}" "$(command -v jupyter 2>/dev/null || true)"; do
      if [[ -n "$candidate" && -x "$candidate" ]] && fb_jupyter_works "$candidate"; then JUPYTER="$candidate"; break; fi
    done
  fi
  [[ -n "$JUPYTER" ]]
}

# The exact command that installs Jupyter (nbconvert, jupyter-client and the classic notebook UI) here.
fb_jupyter_advice() {
  local system
  system="$(uname -s 2>/dev/null || echo unknown)"
  echo "        Install one, then run this command again:"
  if [[ -n "${CONDA_PREFIX:-}" ]] && command -v conda >/dev/null 2>&1; then
    echo "          conda install -c conda-forge nbconvert jupyter_client notebook      (conda environment $CONDA_PREFIX)"
  elif [[ "$system" == Darwin ]] && command -v brew >/dev/null 2>&1; then
    echo "          brew install jupyterlab      (Homebrew: jupyter with nbconvert; add 'notebook' for --jupyter, see below)"
  elif command -v dnf >/dev/null 2>&1; then
    echo "          sudo dnf install python3-nbconvert python3-jupyter-client python3-notebook      (Fedora)"
  elif command -v apt-get >/dev/null 2>&1; then
    echo "          sudo apt-get install --no-install-recommends jupyter-nbconvert jupyter-client jupyter-notebook      (Debian/Ubuntu/WSL)"
  fi
  echo "        or, on any system with Python 3.8+ (a private environment, no root needed):"
  echo "          python3 -m venv ~/.venvs/jupyter && ~/.venvs/jupyter/bin/pip install nbconvert jupyter_client notebook"
  echo "          export FASTBOOK_JUPYTER=~/.venvs/jupyter/bin/jupyter"
  echo "        (FASTBOOK_JUPYTER names the jupyter to use; without it: /usr/bin/jupyter, then a jupyter on PATH.)"
}

# The Python that runs JUPYTER (its shebang), which has nbclient and nbformat since it has nbconvert.
fb_jupyter_python() {
  local line
  line="$(head -1 "$JUPYTER" 2>/dev/null || true)"
  case "$line" in
    '#!'*) JUPYTER_PYTHON="${line#\#!}"; JUPYTER_PYTHON="${JUPYTER_PYTHON# }" ;;
    *) JUPYTER_PYTHON="$(dirname "$JUPYTER")/python3"; [[ -x "$JUPYTER_PYTHON" ]] || JUPYTER_PYTHON=python3 ;;
  esac
}

# Removes terminal colour codes (for text that goes to a file or a pipe).
fb_strip_ansi() { sed "s/$(printf '\033')\[[0-9;]*[A-Za-z]//g"; }

# JupyterLab 4 (ui=lab) or Notebook 7 (ui=notebook7): JUPYTER_UI is the jupyter that runs it, the first of
# FASTBOOK_JUPYTER_UI, target/jupyter-venv/bin/jupyter (environment/jupyter-ui installs it), a jupyter on PATH;
# each only when it has that front end (`jupyter lab --version` 4+, or `jupyter notebook --version` 7+).
fb_jupyter_ui_works() {
  local v
  if [[ $2 == lab ]]; then v="$("$1" lab --version 2>/dev/null | tail -1)"; else v="$("$1" notebook --version 2>/dev/null | tail -1)"; fi
  [[ "${v%%.*}" =~ ^[0-9]+$ ]] || return 1
  if [[ $2 == lab ]]; then [[ ${v%%.*} -ge 4 ]]; else [[ ${v%%.*} -ge 7 ]]; fi || return 1
  JUPYTER_UI_VERSION="$v"
}
fb_find_jupyter_ui() {
  JUPYTER_UI=""
  local candidate
  for candidate in "${FASTBOOK_JUPYTER_UI:-}" "$ROOT/target/jupyter-venv/bin/jupyter" "$(command -v jupyter 2>/dev/null || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]] && fb_jupyter_ui_works "$candidate" "$1"; then JUPYTER_UI="$candidate"; return 0; fi
  done
  return 1
}
fb_jupyter_ui_advice() {
  local what="JupyterLab 4"
  [[ $1 == notebook7 ]] && what="Notebook 7"
  echo "[${FB_NAME:-env}] $what is not installed: environment/jupyter-ui installs JupyterLab 4 and Notebook 7 into"
  echo "        target/jupyter-venv (pip install jupyterlab notebook), or set FASTBOOK_JUPYTER_UI=/path/to/jupyter."
  echo "        An existing JupyterLab works too: JUPYTER_PATH=$ROOT/target/jupyter jupyter lab"
}
