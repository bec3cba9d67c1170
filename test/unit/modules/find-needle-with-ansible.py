# The oracle for controller file lookup: Ansible's own DataLoader.path_dwim_relative_stack, as
# copy and template call it (ActionBase._find_needle). Reads JSON cases on stdin
# ([{paths, subdir, src, basedir}]), writes one result per case: {found} or {searched}.
import json
import sys

from ansible.errors import AnsibleFileNotFound
from ansible.parsing.dataloader import DataLoader

results = []
for case in json.load(sys.stdin):
    loader = DataLoader()
    loader.set_basedir(case['basedir'])
    try:
        results.append({'found': loader.path_dwim_relative_stack(case['paths'], case['subdir'], case['src'])})
    except AnsibleFileNotFound as error:
        results.append({'searched': list(error.paths or [])})
json.dump(results, sys.stdout)
