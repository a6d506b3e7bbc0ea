#!/usr/bin/env bash
# Regenerates the TypeScript of the OTLP schema the receiver decodes with @bufbuild/protobuf:
# src/server/otlp/proto/*.proto (and test/helpers/otlp-proto/*.proto) -> *_pb.ts beside them (committed; never edit them by hand).
# buf and protoc-gen-es are fetched from the npm registry into a temporary folder, at the
# versions the committed files were made with.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
npm install --prefix "$tools" --no-save --silent @bufbuild/buf@1.75.0 @bufbuild/protoc-gen-es@2.17.0 >/dev/null
# The receiver's schema (src), and the metrics schema the export test's collector reads (test).
for dir in src/server/otlp/proto test/helpers/otlp-proto; do
  cat > "$tools/buf.gen.yaml" <<YAML
version: v2
inputs:
  - directory: $here/$dir
plugins:
  - local: $tools/node_modules/.bin/protoc-gen-es
    out: $here/$dir
    opt: [target=ts, import_extension=js]
YAML
  (cd "$tools" && node_modules/.bin/buf generate --template buf.gen.yaml)
  echo "generated: $(ls "$here/$dir"/*_pb.ts)"
done
