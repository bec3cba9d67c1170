"""Runs Ansible's own lookup plugins (items, list, dict, sequence, fileglob, together, nested): the
oracle for playgraph's with_<lookup> loops. Reads JSON on stdin: [{"lookup", "terms",
"search_path"}], terms already templated and listified as the task executor hands them over.
Writes one JSON list on stdout: {"value": items} or {"error": exception class}. Run with Debian's
/usr/bin/python3, where the ansible package lives.
"""
import json
import sys

from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

results = []
for case in json.load(sys.stdin):
    loader = DataLoader()
    if case.get("search_path"):
        loader.set_basedir(case["search_path"][-1])
    templar = Templar(loader=loader)
    lookup = lookup_loader.get(case["lookup"], loader=loader, templar=templar)
    variables = {"ansible_search_path": case.get("search_path") or [loader.get_basedir()]}
    try:
        results.append({"value": lookup.run(case["terms"], variables=variables, wantlist=True)})
    except Exception as error:  # the oracle reports any failure as data, never a traceback
        results.append({"error": type(error).__name__})
json.dump(results, sys.stdout)
