#!/usr/bin/env bash
# Regenerates the code of the OTLP schema (committed; never edit it by hand):
# - src/server/otlp/proto/*.proto (and test/helpers/otlp-proto/*.proto) -> *_pb.ts beside them, for
#   @bufbuild/protobuf (the JSON reader, and the encoders tests and benches build bodies with);
# - src/server/otlp/proto/otlp-traces.proto -> otlp-traces_pbjs.js and .d.ts, protobufjs static
#   decoders (the receiver's protobuf decode: generated code, several times faster than reflection).
# buf, protoc-gen-es and protobufjs-cli are fetched from the npm registry into a temporary folder,
# at the versions the committed files were made with (protobufjs-cli 1.x is the line for protobufjs 7,
# the runtime in package.json).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
echo '{"private":true}' > "$tools/package.json"
npm install --prefix "$tools" --no-save --silent @bufbuild/buf@1.75.0 @bufbuild/protoc-gen-es@2.17.0 \
  protobufjs-cli@1.3.3 protobufjs@7.6.6 >/dev/null
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
# The receiver's protobuf decoders: decode only (no encode, verify or JSON conversion), int64 as
# Long (exact), in an ES module whose import of protobufjs (CommonJS) takes its default export.
proto="$here/src/server/otlp/proto"
cat > "$tools/wrapper.js" <<'JS'
// protobufjs is CommonJS: its module object is the default import (Node's ESM loader does not see its named exports).
import $protobuf from "protobufjs/minimal.js";

$OUTPUT;

export { $root as default };
JS
"$tools/node_modules/.bin/pbjs" -t static-module -w "$tools/wrapper.js" --es6 -r tokenledger-otlp \
  --no-encode --no-verify --no-convert --no-delimited --no-typeurl --force-long \
  -o "$proto/otlp-traces_pbjs.js" "$proto/otlp-traces.proto"
"$tools/node_modules/.bin/pbts" -o "$proto/otlp-traces_pbjs.d.ts" "$proto/otlp-traces_pbjs.js"
echo "generated: $proto/otlp-traces_pbjs.js $proto/otlp-traces_pbjs.d.ts"
