"""Renders each case of a corpus with Ansible's own Templar: the oracle for playgraph's templates.

Reads JSON on stdin: {"vars": {...}, "cases": [{"mode": "value" | "text", "source": "..."}]}.
"value" renders as Ansible renders a task argument (Templar.template, convert_data on);
"condition" evaluates as a task's `when:` (Conditional.evaluate_conditional);
"text" as the template module renders a file (do_template: no conversion, trailing newlines kept).
Writes one JSON list on stdout: {"kind": python type, "value": JSON value, "text": str()} or
{"error": exception class}. Run with Debian's /usr/bin/python3, where the ansible package lives.
"""
import json
import sys

from ansible.parsing.dataloader import DataLoader
from ansible.playbook.conditional import Conditional
from ansible.template import Templar


def describe(result):
    if result is None:
        return {"kind": "none", "value": None}
    if isinstance(result, bool):
        return {"kind": "bool", "value": result}
    if isinstance(result, int):
        return {"kind": "int", "value": result}
    if isinstance(result, float):
        return {"kind": "float", "value": result, "text": repr(result)}
    if isinstance(result, str):
        return {"kind": "str", "value": str(result)}
    if isinstance(result, (list, tuple)):
        return {"kind": "list", "value": json.loads(json.dumps(list(result)))}
    if isinstance(result, dict):
        return {"kind": "dict", "value": json.loads(json.dumps(result))}
    return {"kind": type(result).__name__, "value": str(result)}


def main():
    request = json.load(sys.stdin)
    templar = Templar(loader=DataLoader(), variables=request["vars"])
    results = []
    for case in request["cases"]:
        try:
            if case["mode"] == "condition":
                conditional = Conditional(loader=DataLoader())
                conditional.when = [case["source"]]
                rendered = conditional.evaluate_conditional(templar, request["vars"])
            elif case["mode"] == "text":
                rendered = templar.do_template(case["source"], preserve_trailing_newlines=True,
                                               escape_backslashes=False)
            else:
                rendered = templar.template(case["source"])
            results.append(describe(rendered))
        except Exception as error:  # the oracle reports any failure as data, never a traceback
            results.append({"error": type(error).__name__})
    json.dump(results, sys.stdout)


main()
