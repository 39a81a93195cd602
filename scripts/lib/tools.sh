# Sourced by the scripts: where the project's tools live, and PATH pointing there first.
# Everything scripts/install-deps installs lands under $CACHE (default ~/.cache/homemaking):
#   $CACHE/venv      Python tools (cargo-lambda, ziglang, cfn-lint, the SAM CLI, schemathesis)
#   $CACHE/checkov   checkov, in a virtual environment of its own (its pins clash with the SAM CLI's)
#   $CACHE/bin       Rust tools (s3s-fs, oha), `cargo install --root $CACHE`, and the checkov link
#   $CACHE/dynamodb-local, $CACHE/target (the build), $CACHE/s3 (scripts/dev's bucket)
# Removing $CACHE gives the state of a new machine (apart from apt packages and the rustup
# target, which belong to the system).
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/homemaking"
VENV="$CACHE/venv"
export PATH="$VENV/bin:$CACHE/bin:$PATH"
# A Java chosen through JAVA_HOME comes first (DynamoDB Local runs on `java`).
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  export PATH="$JAVA_HOME/bin:$PATH"
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
