"""Ansible 2.14's own distribution facts for fake hosts: each case's files are written under a
directory, and Ansible's Distribution collector reads them there (distro with root_dir, the
collector's file helpers redirected). Reads JSON cases on stdin, prints their facts as JSON."""
import json
import os
import sys
import tempfile

import distro.distro as distro_impl
from ansible.module_utils.facts.system import distribution as dist


class Module:
    def get_bin_path(self, *args, **kwargs):
        return None  # no dpkg, no lsb_release: the cases give files only

    def run_command(self, *args, **kwargs):
        return 1, '', ''

    def debug(self, message):
        pass


def facts_for(files):
    with tempfile.TemporaryDirectory() as root:
        for path, content in files.items():
            target = os.path.join(root, path.lstrip('/'))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, 'w') as handle:
                handle.write(content)
        inside = lambda path: os.path.join(root, path.lstrip('/'))
        original = (distro_impl._distro, dist.get_file_content, dist.get_file_lines, dist._file_exists)
        distro_impl._distro = distro_impl.LinuxDistribution(root_dir=root, include_lsb=False, include_uname=False, include_oslevel=False)
        dist.get_file_content = lambda path, default=None, strip=True: original[1](inside(path), default, strip)
        dist.get_file_lines = lambda path, *a, **k: original[2](inside(path), *a, **k)
        dist._file_exists = lambda path, allow_empty=False: original[3](inside(path), allow_empty)
        try:
            facts = dist.Distribution(Module()).get_distribution_facts()
        finally:
            distro_impl._distro, dist.get_file_content, dist.get_file_lines, dist._file_exists = original
        return facts


print(json.dumps([facts_for(case) for case in json.load(sys.stdin)]))
