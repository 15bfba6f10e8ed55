# Background jobs and wait.
cd "$1" || exit 1
echo first > bg.txt &
wait
cat bg.txt
cat big.txt > bgcopy.txt &
wait
cat bgcopy.txt | cat > bgcopy2.txt
echo "waited: $?"
echo done
false &
wait $!
echo "wait \$! gives the job's status: $?"
cat nosuch 2>/dev/null &
pid=$!
wait "$pid"
echo "and through a variable: $?"
false &
sleep 0.3
wait $!
echo "wait \$! for a job that ended a while ago: $?"
