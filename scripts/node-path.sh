# Sourced by the scripts after setup.sh: the project's Node (.tools/bin, installed by setup.sh on
# machines whose node is older than 24) goes first on PATH, so npm, node, and every process they
# start (the harness's children use process.execPath) run on it.
if [ -x "$PWD/.tools/bin/node" ]; then
  PATH="$PWD/.tools/bin:$PATH"
  export PATH
fi
