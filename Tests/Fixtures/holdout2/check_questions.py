#!/usr/bin/env python3
"""Sanity checks for the Lore second held-out set, holdout2 (stdlib only).

Uses the word rules and note parser of Tests/Fixtures/devset/check_paraphrases.py.

For every line of questions.tsv:
  * the expected note exists and the expected `## Section` heading exists in it;
  * `paraphrase` questions share NO content stem with the answering section's
    text, the section heading, the note's title(s), any of its `##` headings, or
    its front-matter tags;
  * `keyword` questions share at least one content stem with the answering
    section (heading + body);
  * `natural` questions have no word-overlap rule.
Set-level checks: 32 notes in 6-8 folders (none of the dev set's or the first
held-out set's folders),
150-450 words and 3-6 sections per note, exactly 24 questions of each kind,
every note targeted 1-3 times.
Prints only the counts by kind when everything is fine; otherwise prints the
problems and exits with status 1.
"""
import csv
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
QUESTIONS = os.path.join(HERE, "questions.tsv")
NOTES_DIR = os.path.join(HERE, "notes")

N_NOTES = 32
PER_KIND = 24
KINDS = ("keyword", "paraphrase", "natural")
WORD_LIMITS = {"keyword": (3, 15), "paraphrase": (3, 15), "natural": (1, 40)}
DEVSET_FOLDERS = set("home work health travel transport money tech hobbies family".split())
HOLDOUT_FOLDERS = set("garden band renovation language bakery running paperwork opensource".split())

# The dev set's word rules (stop words, stemmer) and note parser, shared so that both sets
# call a word "shared" the same way.
sys.path.insert(0, os.path.join(HERE, "..", "devset"))
from check_paraphrases import content_stems, parse_note  # noqa: E402


def main():
    problems = []
    notes = {}
    for root, _, files in os.walk(NOTES_DIR):
        for name in files:
            if name.endswith(".md"):
                rel = os.path.relpath(os.path.join(root, name), HERE).replace(os.sep, "/")
                try:
                    notes[rel] = parse_note(os.path.join(root, name))
                except ValueError as e:
                    problems.append("%s: %s" % (rel, e))
    if len(notes) != N_NOTES:
        problems.append("expected %d notes, found %d" % (N_NOTES, len(notes)))
    folders = {rel.split("/")[1] for rel in notes if rel.count("/") == 2}
    if any(rel.count("/") != 2 for rel in notes):
        problems.append("every note must sit directly in notes/<folder>/")
    if not 6 <= len(folders) <= 8:
        problems.append("%d folders (want 6-8)" % len(folders))
    for folder in sorted(folders & DEVSET_FOLDERS):
        problems.append("folder %r is already used by the dev set" % folder)
    for folder in sorted(folders & HOLDOUT_FOLDERS):
        problems.append("folder %r is already used by the first held-out set" % folder)
    for rel, (titles, _, sections, words) in sorted(notes.items()):
        if not titles:
            problems.append("%s: no title" % rel)
        if not 3 <= len(sections) <= 6:
            problems.append("%s: %d sections (want 3-6)" % (rel, len(sections)))
        if not 150 <= words <= 450:
            problems.append("%s: %d words (want 150-450)" % (rel, words))

    kinds, targets = Counter(), Counter()
    seen = set()
    with open(QUESTIONS, encoding="utf-8", newline="") as f:
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
        titles, tags, sections, _ = notes[path]
        if heading not in sections:
            problems.append("%s: no heading %r in %s" % (where, heading, path))
            continue
        q = content_stems(question)
        if kind == "paraphrase":
            context = "\n".join([sections[heading], heading] + titles + list(sections) + tags)
            shared = sorted(set(q) & set(content_stems(context)))
            if shared:
                problems.append("%s: paraphrase %r shares %s with %s" % (
                    where, question, ", ".join(shared), expected))
        elif kind == "keyword":
            shared = set(q) & set(content_stems(heading + "\n" + sections[heading]))
            if not shared:
                problems.append("%s: keyword %r shares nothing with %s" % (where, question, expected))

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
