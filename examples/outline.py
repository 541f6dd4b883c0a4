#!/usr/bin/python3
"""Convert an article and print its outline.

    examples/outline.py INPUT [OUTPUT]

Reads INPUT (any format; probed), writes OUTPUT if given (the format from its
extension), and prints the outline in the format of ../shared/samples/*.outline:
lang, dir and byline, then "H<level> <heading>" for each section and "P" for
each paragraph of the body or of a section.
"""
import os
import sys

try:
    import newsdoc
except ImportError:  # run from a source tree: use bindings/python
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python"))
    import newsdoc


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        doc = newsdoc.read(argv[1])
        if len(argv) == 3:
            doc.write(argv[2])
    except newsdoc.Error as e:
        print("%s: %s" % (argv[1], e), file=sys.stderr)
        return 1
    print("lang: %s\ndir: %s\nbyline: %s" % (doc.language or "", doc.direction or "", doc.byline or ""))
    for node in doc.walk():
        if isinstance(node, newsdoc.Section):
            print("H%d %s" % (node.level, node.heading))
        elif node.type == "paragraph" and node.parent.type in ("body", "section"):
            print("P")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
