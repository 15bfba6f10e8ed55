# Variables and quoting.
cd "$1" || exit 1
X=hello
echo $X "$X" '$X' ${X}world "${X}"s
Y="a   b"
echo $Y
echo "$Y"
echo $UNSET_VARIABLE end
echo "[$UNSET_VARIABLE]"
A=1 B=2
echo $A$B
E=
echo "[$E]" [$E]
echo 'single "double" inside' "double 'single' inside"
echo back\ slash "a\"b" 'c\d'
echo "$# args"
echo dollar $ alone "$"
echo café naïve
echo "tab	inside"
export EXPORTED=given
sh -c 'echo "child sees $EXPORTED"'
EXPORTED=changed
sh -c 'echo "child sees $EXPORTED"'
LOCAL=mine
sh -c 'echo "child sees [$LOCAL]"'
export LOCAL
sh -c 'echo "child sees [$LOCAL]"'
