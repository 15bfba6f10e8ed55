# Lists: ; && || and the status each leaves.
cd "$1" || exit 1
true && echo and-runs
cat nosuch 2>/dev/null && echo not-printed
cat nosuch 2>/dev/null || echo or-runs
true || echo not-printed
echo a; echo b; echo c
cat nosuch 2>/dev/null; echo "after a failure: $?"
cat nosuch 2>/dev/null && echo no || echo "&& then ||: $?"
true && cat nosuch 2>/dev/null || echo "the last that ran failed"
true; echo "after true: $?"
echo end;
