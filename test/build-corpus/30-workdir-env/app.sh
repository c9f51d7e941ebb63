#!/bin/sh
echo "app in $(pwd)"
