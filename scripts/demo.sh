#!/usr/bin/env bash
# The main job, until the demo pipeline lands: a round trip through rtml's embedded
# durable log (file://) that shows what works today. Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
rtml=build/rtml
data=$(mktemp -d /tmp/rtml-demo.XXXXXX)
export RTML_BROKER="file://$data"
trap 'rm -rf "$data"' EXIT

echo "== broker: $RTML_BROKER"
$rtml topics create trades --partitions 3
echo "== produce 9 trades (one malformed line, reported and skipped)"
cat <<'LINES' | $rtml produce trades --key-field pair --timestamp-field ts_ms
{"exchange":"kraken","pair":"BTC/USD","trade_id":1,"price":61837.6,"qty":0.02,"side":"buy","ts_ms":1723161600000}
{"exchange":"kraken","pair":"ETH/USD","trade_id":2,"price":2650.1,"qty":1.5,"side":"sell","ts_ms":1723161600100}
{"exchange":"kraken","pair":"BTC/USD","trade_id":3,"price":61838.0,"qty":0.10,"side":"sell","ts_ms":1723161600200}
{"exchange":"kraken","pair":"SOL/USD","trade_id":4,"price":152.3,"qty":10,"side":"buy","ts_ms":1723161600300}
{"exchange":"kraken","pair":"BTC/USD","trade_id":5,"price":61836.9 "qty":0.01}
{"exchange":"kraken","pair":"ETH/USD","trade_id":6,"price":2650.4,"qty":0.2,"side":"buy","ts_ms":1723161600500}
{"exchange":"kraken","pair":"BTC/USD","trade_id":7,"price":61840.2,"qty":0.05,"side":"buy","ts_ms":1723161600600}
{"exchange":"kraken","pair":"SOL/USD","trade_id":8,"price":152.1,"qty":3,"side":"sell","ts_ms":1723161600700}
{"exchange":"kraken","pair":"ETH/USD","trade_id":9,"price":2650.0,"qty":0.7,"side":"sell","ts_ms":1723161600800}
{"exchange":"kraken","pair":"BTC/USD","trade_id":10,"price":61841.0,"qty":0.30,"side":"buy","ts_ms":1723161600900}
LINES
echo "== topics describe trades"
$rtml topics describe trades
echo "== consume as group 'demo' (same pair -> same partition, in order)"
$rtml consume trades --group demo --from-beginning
echo "== consume again as group 'demo': resumes after its commit, nothing new"
$rtml consume trades --group demo | wc -l
echo "== seek by time: trades since 2024-08-09T00:00:00.500Z"
$rtml consume trades --since 2024-08-09T00:00:00.500Z | wc -l
