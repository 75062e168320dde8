#!/usr/bin/env python3
"""Sanity checks for the Lore held-out set (stdlib only).

Uses the word rules and note parser of Tests/Fixtures/devset/check_paraphrases.py.

For every line of questions.tsv:
  * the expected note exists and the expected `## Section` heading exists in it;
  * `paraphrase` questions share NO content stem with the answering section's
    text, the section heading, the note's title(s), any of its `##` headings, or
    its front-matter tags;
  * `keyword` questions share at least one content stem with the answering
    section (heading + body);
  * `natural` questions have no word-overlap rule.
Set-level checks: 32 notes in 6-8 folders (none of the dev set's folders),
150-450 words and 3-6 sections per note, exactly 24 questions of each kind,
every note targeted 1-3 times.
Prints only the counts by kind when everything is fine; otherwise prints the
problems and exits with status 1.
"""
import csv
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

N_NOTES = 32
PER_KIND = 24
KINDS = ("keyword", "paraphrase", "natural")
WORD_LIMITS = {"keyword": (3, 15), "paraphrase": (3, 15), "natural": (1, 40)}
DEVSET_FOLDERS = set("home work health travel transport money tech hobbies family".split())

# The dev set's word rules (stop words, stemmer) and note parser, shared so that both sets
# call a word "shared" the same way.
sys.path.insert(0, os.path.join(HERE, "..", "devset"))
from check_paraphrases import overlap_problem, read_notes  # noqa: E402


def main(base=HERE, used_folders=(("the dev set", DEVSET_FOLDERS),)):
    """Checks the set in folder `base`; `used_folders` names the sets whose folders it may not use
    (a later held-out set adds the earlier ones)."""
    notes, problems = read_notes(base)
    if len(notes) != N_NOTES:
        problems.append("expected %d notes, found %d" % (N_NOTES, len(notes)))
    folders = {rel.split("/")[1] for rel in notes if rel.count("/") == 2}
    if any(rel.count("/") != 2 for rel in notes):
        problems.append("every note must sit directly in notes/<folder>/")
    if not 6 <= len(folders) <= 8:
        problems.append("%d folders (want 6-8)" % len(folders))
    for owner, taken in used_folders:
        for folder in sorted(folders & taken):
            problems.append("folder %r is already used by %s" % (folder, owner))
    for rel, (titles, _, sections, words) in sorted(notes.items()):
        if not titles:
            problems.append("%s: no title" % rel)
        if not 3 <= len(sections) <= 6:
            problems.append("%s: %d sections (want 3-6)" % (rel, len(sections)))
        if not 150 <= words <= 450:
            problems.append("%s: %d words (want 150-450)" % (rel, words))

    kinds, targets = Counter(), Counter()
    seen = set()
    with open(os.path.join(base, "questions.tsv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != ["kind", "question", "expected"]:
        problems.append("bad header: %r" % (rows[0] if rows else None))
    for lineno, row in enumerate(rows[1:], start=2):
        where = "questions.tsv:%d" % lineno
        if len(row) != 3:
            problems.append("%s: expected 3 columns, got %d" % (where, len(row)))
            continue
        kind, question, expected = row
        if kind not in KINDS:
            problems.append("%s: unknown kind %r" % (where, kind))
            continue
        kinds[kind] += 1
        if question.strip().lower() in seen:
            problems.append("%s: duplicate question %r" % (where, question))
        seen.add(question.strip().lower())
        lo, hi = WORD_LIMITS[kind]
        if not lo <= len(question.split()) <= hi:
            problems.append("%s: %s question should be %d-%d words" % (where, kind, lo, hi))
        path, sep, heading = expected.partition("#")
        if not sep or not heading:
            problems.append("%s: expected has no #section" % where)
            continue
        if path not in notes:
            problems.append("%s: no such note %s" % (where, path))
            continue
        targets[path] += 1
        if heading not in notes[path][2]:
            problems.append("%s: no heading %r in %s" % (where, heading, path))
            continue
        problem = overlap_problem(where, kind, question, expected, notes[path], heading)
        if problem:
            problems.append(problem)

    for kind in KINDS:
        if kinds[kind] != PER_KIND:
            problems.append("expected %d %s questions, found %d" % (PER_KIND, kind, kinds[kind]))
    for path in sorted(notes):
        n = targets[path]
        if not 1 <= n <= 3:
            problems.append("%s is the target of %d questions (want 1-3)" % (path, n))

    if problems:
        for p in problems:
            print("PROBLEM: " + p)
        return 1
    for kind in KINDS:
        print("%s: %d" % (kind, kinds[kind]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
