#!/usr/bin/env bash
# A tour of the commands one by one, on the embedded default
# (no servers). A round trip through the durable log (file://); then a market: live
# trades over the Kraken websocket from the local exchange simulator, candles and
# features by the stream pipeline, kept in the feature store, read back online and as
# a point-in-time training set, and a training run against the baseline. Run
# scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
rtml=build/rtml
data=$(mktemp -d /tmp/rtml-demo.XXXXXX)
export RTML_BROKER="file://$data"
sim=""
trap '[ -n "$sim" ] && kill "$sim" 2>/dev/null; rm -rf "$data"' EXIT

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

export RTML_BROKER="file://$data/market"
echo "== a market in a fresh log ($RTML_BROKER): rtml exchange-sim (synthetic trades, 300/s) on loopback"
$rtml exchange-sim --pairs BTC/USD,ETH/USD --rate 300 --seed 7 > "$data/sim.txt" 2>/dev/null &
sim=$!
for _ in $(seq 50); do grep -q "Kraken websocket v2" "$data/sim.txt" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^Kraken websocket v2: *//p' "$data/sim.txt")
echo "== ingest 10 s of live trades over the Kraken websocket from $url"
timeout -s INT 10 $rtml ingest kraken --pairs BTC/USD,ETH/USD --url "$url" 2>&1 | tail -1 || true
cat > "$data/market.yaml" <<'YAML'
name: market
stages:
  - {name: candles, kind: candles, windows: [1s]}
  - {name: features, kind: features, features: [ema_5, rsi_3, bbands_5_2]}
  - {name: store, kind: store, group: market}
feature_groups:
  - {name: market, version: 1, from_stage: features, key: [pair, candle_seconds],
     event_time: window_end_ms}
YAML
echo "== pipeline: trades -> 1 s candles -> features -> feature store"
$rtml pipeline run "$data/market.yaml" --until-end --store "$data/features"
echo "== features list / verify (online rows = newest offline rows)"
$rtml features list --store "$data/features"
$rtml features verify market --store "$data/features"
echo "== online row of BTC/USD (1 s candles)"
$rtml features get market 'BTC/USD|1' --store "$data/features"
echo "== point-in-time training set (CSV): the header and the last 2 rows"
$rtml features export market --format csv --store "$data/features" --output "$data/train.csv"
head -1 "$data/train.csv"
tail -2 "$data/train.csv"
cat > "$data/train.yaml" <<'YAML'
name: btc-close-2s
data: {feature_group: market, where: {pair: BTC/USD, candle_seconds: 1}}
target: {feature: close, ahead: 2s}
candidates:
  - {type: ridge, params: {alpha: 1}, search: {alpha: {low: 0.01, high: 100, log: true}}}
search: {trials: 5}
split: {validation: 0.25, test: 0.25}
YAML
echo "== train: ridge on BTC/USD's features, the close 2 s ahead, against 'the close stays'"
echo "   (a few seconds of a random walk: expect the baseline gate to say why it registers nothing)"
$rtml train --config "$data/train.yaml" --store "$data/features" --registry "$data/models" \
  --promote production --quiet
$rtml models list --registry "$data/models"
