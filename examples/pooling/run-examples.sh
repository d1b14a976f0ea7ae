#!/bin/sh
# Regenerate the figures of the README's "Pooling and shrinkage" section: `hstan pooling` on the
# hierarchical binomial (variants given as files), eight schools and the group means (variants
# derived). Each run writes its table to <name>/table.txt and its SVG, HTML report and derived
# programs into <name>/. Run from the repository root after `npm run build`.
set -eu
here=examples/pooling
hstan="node dist/src/cli/main.js pooling"
seed=20261121

$hstan examples/hier_binomial/partial.hstan --data examples/hier_binomial/data.json --group p \
  --no-pooling examples/hier_binomial/unpooled.hstan --complete-pooling examples/hier_binomial/pooled.hstan \
  --seed $seed -q --output-dir $here/hier_binomial > $here/hier_binomial/table.txt

$hstan examples/eight_schools/noncentered.hstan --data examples/eight_schools/data.json --group theta \
  --adapt-delta 0.95 --seed $seed -q --output-dir $here/eight_schools > $here/eight_schools/table.txt

# The centered examples/group_means/partial.hstan diverges (hstan pooling says so and suggests
# non-centering); group_means/partial.hstan here is the non-centered form it suggests.
$hstan $here/group_means/partial.hstan --data examples/group_means/data.json --group mu \
  --adapt-delta 0.99 --seed $seed -q --output-dir $here/group_means > $here/group_means/table.txt

# The HTML reports repeat the SVG with the tables; only the figures are kept in the repository.
rm -f $here/*/*-pooling.html
sed -i '/^wrote /d' $here/*/table.txt
