#!/usr/bin/env bash
# Ablation on a BEIR collection (default: Cranfield in ../shared): one row per setting, all four
# measures, as a Markdown table. Each row is `lore eval DIR --json <flags>`; flags not given keep
# the defaults, so a row that turns one thing off shows what that thing is worth.
# usage: benchmarks/quality.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-../shared/eval/cranfield}
lore=.build/release/lore
[ -x "$lore" ] || swift build -c release >/dev/null
rows=(
  "defaults|"
  "plain hashed TF-IDF cosine (no LSA, no feedback, no pivot)|--latent-dims 0 --feedback-docs 0 --pivot 1"
  "  + pivoted length normalization 0.7|--latent-dims 0 --feedback-docs 0"
  "  + Rocchio feedback, top 5, β 0.75, 50 added terms|--latent-dims 0"
  "  + LSA k=200 fused 0.5 (= defaults)|"
  "LSA k=200 alone (latent weight 1)|--latent-weight 1 --feedback-docs 0 --pivot 1"
  "no Rocchio feedback|--feedback-docs 0"
  "no LSA|--latent-dims 0"
  "no pivot (plain cosine)|--pivot 1"
  "feedback top 3|--feedback-docs 3"
  "feedback top 10|--feedback-docs 10"
  "feedback β 0.5|--feedback-beta 0.5"
  "feedback keeps all added terms|--feedback-terms 0"
  "feedback keeps 20 added terms|--feedback-terms 20"
  "LSA rescores only the top 100 lexical candidates (active: 1400 > 10×100)|--latent-candidates 100"
  "LSA k=100|--latent-dims 100"
  "LSA k=300|--latent-dims 300"
  "LSA weight 0.3|--latent-weight 0.3"
  "LSA weight 0.7|--latent-weight 0.7"
  "pivot 0.5|--pivot 0.5"
  "BM25 saturation in the weights (k1 1.2, b 0.75)|--k1 1.2 --b 0.75"
  "title boost 1 (heading terms count once)|--title-boost 1"
  "title boost 3 (default 2)|--title-boost 3"
  "unsigned hashing|--signed-hash false"
  "2^12 dimensions|--dimension-bits 12"
  "2^14 dimensions|--dimension-bits 14"
  "2^18 dimensions|--dimension-bits 18"
)
echo "| setting | nDCG@10 | MAP@100 | R@100 | MRR@10 | command |"
echo "|---|---|---|---|---|---|"
for row in "${rows[@]}"; do
  name=${row%%|*}; flags=${row#*|}
  # shellcheck disable=SC2086
  json=$($lore eval "$dir" --json $flags)
  python3 - "$name" "$flags" "$json" <<'PY'
import json, sys
name, flags, d = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
cmd = ("lore eval DIR " + flags).strip()
print(f"| {name} | {d['ndcg@10']:.4f} | {d['map@100']:.4f} | {d['recall@100']:.4f} | {d['mrr@10']:.4f} | `{cmd}` |")
PY
done
