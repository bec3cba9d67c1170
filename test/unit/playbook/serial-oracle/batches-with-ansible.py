"""Ansible's own serial batching (PlaybookExecutor._get_serialized_batches) for [host count, serial] cases on stdin: batch sizes out."""
import json, sys
from ansible.executor.playbook_executor import PlaybookExecutor
class Inv:
    def __init__(self, hosts): self.hosts = hosts
    def get_hosts(self, pattern, order=None): return list(self.hosts)
class Play:
    def __init__(self, serial): self.serial = serial; self.hosts = 'all'; self.order = None
out = []
for n, serial in json.load(sys.stdin):
    pe = PlaybookExecutor.__new__(PlaybookExecutor)
    pe._inventory = Inv([f"h{i}" for i in range(1, n + 1)])
    out.append([len(b) for b in pe._get_serialized_batches(Play(serial))])
print(json.dumps(out))
