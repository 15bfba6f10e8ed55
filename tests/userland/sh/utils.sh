# The utilities in pipelines, as scripts written on a Linux host use them.
cd "$1" || exit 1
yes | head -n 3
yes keel | head -n 2
echo "yes ended: $?"
seq 1 20 | grep 1 | wc -l
seq 10 | sort -rn | head -n 3
cat big.txt | tail -n 2
cat big.txt | grep -c 'line 1'
echo "b a c a b" > words.txt
cat words.txt
sort small.txt small.txt | uniq -c
seq 3 | tee tee.txt | wc -l
cat tee.txt
cat big.txt | head -n 1000 | tail -n 1
echo hello | cat | cat | cat | wc -c
false || echo "false fails: $?"
cat big.txt | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | wc -l
