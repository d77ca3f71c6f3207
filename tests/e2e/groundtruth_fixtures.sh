#!/bin/sh
. "${top_srcdir:-.}/tests/setup.sh"
skip_all "todo"
