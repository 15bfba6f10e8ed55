# Every redirection: < > >> 2> 2>&1 >&2, a command of redirections only, and failures.
cd "$1" || exit 1
echo one > r.txt
echo two >> r.txt
cat < r.txt
cat r.txt nosuch 2> err.txt
echo "status $?"
cat nosuch 2>/dev/null || echo "cat failed"
echo both > both.txt 2>&1
cat both.txt
> empty.txt
cat empty.txt
echo "empty: $?"
echo to-stderr 2>/dev/null >&2
echo "moved: $?"
cat 2>/dev/null < nosuch
echo "no input file: $?"
echo x > r.txt
cat r.txt
cat < small.txt > s2.txt
cat s2.txt
echo 'appended' >> s2.txt
cat < s2.txt
