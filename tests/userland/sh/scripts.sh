# Scripts: sh FILE ARGS, sh -c, and a #! script run by name.
cd "$1" || exit 1
sh args.sh one "two words" three
sh -c 'echo "inline $0 $1"' name first
./hashbang.sh x y
echo "status of a script: $?"
