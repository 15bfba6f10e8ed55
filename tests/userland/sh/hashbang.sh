#!/bin/sh
echo "run by name with $1 $2"
exit 4
