# The portable programs' script: sh runs it in the directory of the programs and their
# inputs, on Keel and on the host. Error messages go to /dev/null (their order against
# standard output is the C library's business); statuses are printed instead.
echo '== wc'
./wc in.txt
./wc < in.txt
./wc in.txt calc.txt
./wc no-such-file 2>/dev/null
echo "status $?"
echo '== sort'
./sort < in.txt | ./sha1
./sort -r < in.txt | ./sha1
./sort -u < in.txt | ./wc
./sort -n < numbers.txt
./sort -x 2>/dev/null
echo "status $?"
echo '== base64'
./base64 < small.txt
./base64 < in.txt | ./sha1
./base64 < in.txt | ./base64 -d | ./sha1
./sha1 < in.txt
echo '== sha1'
./sha1 in.txt small.txt empty.txt
./sha1 < empty.txt
./sha1 no-such-file 2>/dev/null
echo "status $?"
echo '== calc'
./calc < calc.txt
echo '== wordfreq'
./wordfreq 12 < in.txt
./wordfreq 3 < empty.txt
