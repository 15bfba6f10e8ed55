echo "$# arguments: $1 / $2 / $3"
exit 3
