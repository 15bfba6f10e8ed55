# Pipelines: short, long, and one that carries more than the pipe buffer holds.
cd "$1" || exit 1
echo hello | cat
echo a b c | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat
cat big.txt | cat | cat | cat > copy.txt
echo "copied: $?"
cat nosuch 2>/dev/null | cat
echo "last command's status: $?"
cat big.txt | cat nosuch 2>/dev/null
echo "a reader that ends early: $?"
echo one | cat - small.txt | cat
