"""Parses each case with Ansible's own argument splitter: the oracle for key=value arguments.

Reads JSON on stdin: [{"kind": "split" | "kv" | "kv_raw" | "task", "input": ...}]. "split" is
splitter.split_args, "kv" parse_kv, "kv_raw" parse_kv(check_raw=True), "task" a task mapping
through ModuleArgsParser (mod_args.py). Writes one JSON list on stdout: {"value": ...} or
{"error": exception class}. Run with Debian's /usr/bin/python3, where the ansible package lives.
"""
import json
import sys

from ansible.parsing.mod_args import ModuleArgsParser
from ansible.parsing.splitter import parse_kv, split_args


def run(case):
    kind, given = case["kind"], case["input"]
    if kind == "split":
        return split_args(given)
    if kind == "kv":
        return parse_kv(given)
    if kind == "kv_raw":
        return parse_kv(given, check_raw=True)
    action, args, _ = ModuleArgsParser(given).parse()
    return {"action": action, "args": args}


results = []
for case in json.load(sys.stdin):
    try:
        results.append({"value": run(case)})
    except Exception as error:  # the oracle reports any failure as data, never a traceback
        results.append({"error": type(error).__name__})
json.dump(results, sys.stdout)
